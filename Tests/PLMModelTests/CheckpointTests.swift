import Foundation
import Testing
@testable import PLMModel

@Suite struct CheckpointTests {
    @Test func savesAndRestoresEverything() throws {
        let folder = temporaryFolder()
        let model = PLMTransformer(config: fileTestConfig, seed: 0, options: ModelOptions(threads: 1))
        for i in 0..<model.parameters.count { model.parameters[i] = Float(i % 97) / 97 - 0.5 }
        let optimizer = AdamW(layout: model.layout, settings: AdamWSettings(weightDecay: 0.05))
        for i in 0..<model.parameters.count {
            optimizer.firstMoment[i] = Float(i) * 1e-3
            optimizer.secondMoment[i] = Float(i) * 1e-6
        }
        optimizer.step = 17
        let schedule = WSDCSchedule(peakLearningRate: 1e-3, floorLearningRate: 1e-4, warmupSteps: 5, stableSteps: 10,
                                    decaySteps: 5, constantSteps: 0, decayShape: .cosine)
        let state = TrainerState(step: 42, optimizerStep: 17, phase: "anneal", schedule: schedule,
                                 optimizer: optimizer.settings, seed: 9, tokensSeen: 4096, batchTokens: 64,
                                 microBatchSize: 2, sequenceLength: 16, threads: 1,
                                 dataPosition: TokenStreamSource.Position(offset: 123, epoch: 2), lastLoss: 2.5)
        let written = try Checkpoint.save(model: model, optimizer: optimizer, state: state, in: folder)
        #expect(written == folder + "/step-00000042")
        #expect(Checkpoint.latest(in: folder) == written)
        #expect(FileManager.default.fileExists(atPath: written + "/config.json"))
        // No temporary folder is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["latest", "step-00000042"])

        let loaded = try Checkpoint.loadModel(from: written)
        #expect(loaded.config == fileTestConfig)
        #expect(Array(loaded.parameters) == Array(model.parameters))
        let restored = AdamW(layout: model.layout)
        let back = try Checkpoint.loadTrainingState(from: written, optimizer: restored, as: TokenStreamSource.Position.self)
        #expect(back == state)
        #expect(restored.step == 17 && restored.settings.weightDecay == 0.05)
        #expect(Array(restored.firstMoment) == Array(optimizer.firstMoment))
        #expect(Array(restored.secondMoment) == Array(optimizer.secondMoment))
    }

    @Test func keepsOnlyTheNewestFolders() throws {
        let folder = temporaryFolder()
        let model = PLMTransformer(config: fileTestConfig, seed: 0, options: ModelOptions(threads: 1))
        let optimizer = AdamW(layout: model.layout)
        let schedule = WSDCSchedule(peakLearningRate: 1, floorLearningRate: 0, warmupSteps: 0, stableSteps: 1,
                                    decaySteps: 0, constantSteps: 0)
        for step in [10, 20, 30] {
            let state = TrainerState(step: step, optimizerStep: step, phase: nil, schedule: schedule,
                                     optimizer: optimizer.settings, seed: 0, tokensSeen: 0, batchTokens: 1,
                                     microBatchSize: 1, sequenceLength: 1, threads: 1,
                                     dataPosition: SyntheticSource.Position(batches: step), lastLoss: nil)
            try Checkpoint.save(model: model, optimizer: optimizer, state: state, in: folder, keep: 2)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["latest", "step-00000020", "step-00000030"])
    }

    @Test func checkpointOfAnotherShapeIsRefused() throws {
        let folder = temporaryFolder()
        let model = PLMTransformer(config: fileTestConfig, seed: 0, options: ModelOptions(threads: 1))
        try Checkpoint.writeModel(model, to: folder)
        var other = fileTestConfig
        other.intermediateSize = 24
        let bigger = PLMTransformer(config: other, seed: 0, options: ModelOptions(threads: 1))
        #expect(throws: CheckpointError.self) { try Checkpoint.loadWeights(into: bigger, from: folder) }
        // The same config.json with the other shape's tensors: the first misshaped tensor is named.
        try SafeTensorsArena.write(UnsafeBufferPointer(bigger.parameters), layout: bigger.layout,
                                   to: folder + "/model.safetensors")
        let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.loadModel(from: folder) }
        #expect(error?.message == "tensor 'model.layers.0.mlp.up_proj.weight' has shape [24, 8] in the file, the model expects [16, 8]")
    }
}

@Suite struct TokenStreamSourceTests {
    @Test func cutsSamplesWithStrideTAndWraps() throws {
        var source = try TokenStreamSource(tokens: (0..<10).map(Int32.init))
        let first = try source.next(batchSize: 2, sequenceLength: 3)
        #expect(first.inputs == [0, 1, 2, 3, 4, 5] && first.targets == [1, 2, 3, 4, 5, 6])
        #expect(source.position == .init(offset: 6, epoch: 0))
        let second = try source.next(batchSize: 1, sequenceLength: 3)
        #expect(second.inputs == [6, 7, 8] && second.targets == [7, 8, 9])
        let wrapped = try source.next(batchSize: 1, sequenceLength: 3)
        #expect(wrapped.inputs == [0, 1, 2] && source.position == .init(offset: 3, epoch: 1))
        try source.seek(to: .init(offset: 6, epoch: 0))
        #expect(try source.next(batchSize: 1, sequenceLength: 3) == second)
    }

    @Test func numbersDocumentsWithinEachSample() throws {
        var source = try TokenStreamSource(tokens: (0..<12).map(Int32.init), documentStarts: [0, 2, 5, 9])
        let batch = try source.next(batchSize: 2, sequenceLength: 4)
        #expect(batch.documentIndex == [0, 0, 1, 1, 0, 1, 1, 1])
    }
}

@Suite struct SyntheticSourceTests {
    @Test func batchesAreReproducibleAndDoNotRepeat() throws {
        var source = SyntheticSource(vocabSize: 1000, seed: 3)
        let first = try source.next(batchSize: 2, sequenceLength: 32)
        let second = try source.next(batchSize: 2, sequenceLength: 32)
        // No run of 8 tokens of the first batch reappears in the second (a shifted stream would).
        let windows = Set((0..<(first.inputs.count - 8)).map { Array(first.inputs[$0..<$0 + 8]) })
        #expect((0..<(second.inputs.count - 8)).allSatisfy { !windows.contains(Array(second.inputs[$0..<$0 + 8])) })
        try source.seek(to: .init(batches: 1))
        #expect(try source.next(batchSize: 2, sequenceLength: 32) == second)
    }
}
