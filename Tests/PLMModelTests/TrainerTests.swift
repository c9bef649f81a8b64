import Foundation
import Testing
@testable import PLMModel

/// A model small enough to train in a test (about 20k parameters).
let trainerTestConfig = PLMConfig(hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, kvLoraRank: 16,
                                  qkNopeHeadDim: 8, qkRopeHeadDim: 4, vHeadDim: 8, intermediateSize: 64, vocabSize: 64,
                                  maxPositionEmbeddings: 64)

func trainerOptions(steps: Int, lr: Double = 3e-3, warmup: Int = 2, batchTokens: Int = 64, micro: Int = 2,
                    seqLen: Int = 16, folder: String? = nil, checkpointInterval: Int = 0) -> TrainerOptions {
    TrainerOptions(batchTokens: batchTokens, microBatchSize: micro, sequenceLength: seqLen,
                   optimizer: AdamWSettings(weightDecay: 0.1, gradientClip: 1),
                   schedule: WSDCSchedule(peakLearningRate: lr, floorLearningRate: lr / 10, warmupSteps: min(warmup, steps),
                                          stableSteps: steps - min(warmup, steps), decaySteps: 0, constantSteps: 0),
                   checkpointInterval: checkpointInterval, checkpointDirectory: folder.map { $0 + "/checkpoints" },
                   metricsPath: folder.map { $0 + "/metrics.jsonl" }, seed: 7)
}

@Suite(.serialized) struct TrainerTests {
    @Test func resumingContinuesWithExactlyTheSameLosses() throws {
        let folder = temporaryFolder()
        let options = ModelOptions(threads: 2)
        let straight = try Trainer(model: PLMTransformer(config: trainerTestConfig, seed: 1, options: options),
                                   source: SyntheticSource(vocabSize: 64, seed: 5), options: trainerOptions(steps: 6))
        let expected = try straight.run().map(\.loss)

        let first = try Trainer(model: PLMTransformer(config: trainerTestConfig, seed: 1, options: options),
                                source: SyntheticSource(vocabSize: 64, seed: 5),
                                options: trainerOptions(steps: 6, folder: folder, checkpointInterval: 3))
        // Stop after three steps (the checkpoint at step 3 is written), as if the process had been killed.
        var losses: [Double] = []
        for _ in 0..<3 {
            let metrics = try first.trainStep()
            losses.append(metrics.loss)
        }
        try first.saveCheckpoint()
        let latest = try #require(Checkpoint.latest(in: folder + "/checkpoints"))
        #expect(latest.hasSuffix("step-00000003"))

        let resumed = try Trainer(model: PLMTransformer(config: trainerTestConfig, seed: 99, options: options),
                                  source: SyntheticSource(vocabSize: 64, seed: 5),
                                  options: trainerOptions(steps: 6, folder: folder, checkpointInterval: 3))
        try resumed.resume(from: latest)
        #expect(resumed.step == 3 && resumed.optimizer.step == 3)
        losses += try resumed.run().map(\.loss)
        #expect(losses == expected, "resumed \(losses) vs straight \(expected)")
        // metrics.jsonl holds steps 3..5 once each (the resumed run's).
        let lines = try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[0].contains("\"step\":3"))
    }

    @Test func accumulatingMicroBatchesEqualsOneLargeBatch() throws {
        let tokens: [Int32] = (0..<400).map { (i: Int) -> Int32 in Int32((i * 7 + i / 3) % 64) }
        func firstStep(micro: Int) throws -> (loss: Double, norm: Double, parameters: [Float]) {
            let model = PLMTransformer(config: trainerTestConfig, seed: 3, options: ModelOptions(threads: 1))
            let trainer = try Trainer(model: model, source: TokenStreamSource(tokens: tokens),
                                      options: trainerOptions(steps: 1, warmup: 0, batchTokens: 64, micro: micro))
            let metrics = try trainer.trainStep()
            return (metrics.loss, metrics.gradNorm, Array(model.parameters))
        }
        let whole = try firstStep(micro: 4), split = try firstStep(micro: 1)
        #expect(abs(whole.loss - split.loss) < 1e-5 * whole.loss)
        #expect(abs(whole.norm - split.norm) < 1e-4 * whole.norm)
        #expect(zip(whole.parameters, split.parameters).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func overfitsOneBatch() throws {
        var synthetic = SyntheticSource(vocabSize: 64, seed: 11)
        let batch = try synthetic.next(batchSize: 2, sequenceLength: 16)
        struct Repeat: BatchSource {
            let batch: TokenBatch
            var position = 0
            var maximumTokenId: Int32? { 63 }
            mutating func next(batchSize: Int, sequenceLength: Int) throws -> TokenBatch { position += 1; return batch }
            mutating func seek(to position: Int) throws { self.position = position }
        }
        let model = PLMTransformer(config: trainerTestConfig, seed: 2, options: ModelOptions(threads: 2))
        var options = trainerOptions(steps: 300, lr: 1e-2, warmup: 10, batchTokens: 32, micro: 2)
        options.optimizer.weightDecay = 0
        let trainer = try Trainer(model: model, source: Repeat(batch: batch), options: options)
        let history = try trainer.run()
        #expect(history.first!.loss > 3.5)
        let finalLoss = history.last!.loss
        #expect(finalLoss < 0.1, "final loss \(finalLoss)")
    }

    /// Real text: this repository's architecture notes as bytes (vocab 256); the validation loss on
    /// held-out bytes must fall well below its starting value (ln 256 = 5.5).
    @Test func lossDecreasesOnRealText() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/ARCHITECTURE.md")
        let bytes = try Data(contentsOf: docs).map { Int32($0) }
        #expect(bytes.count > 4000)
        let split = bytes.count * 9 / 10
        var config = trainerTestConfig
        config.vocabSize = 256
        let model = PLMTransformer(config: config, seed: 4, options: ModelOptions(threads: 2))
        var validation = try TokenStreamSource(tokens: Array(bytes[split...]))
        let held = try (0..<2).map { _ in try validation.next(batchSize: 4, sequenceLength: 32) }
        var options = trainerOptions(steps: 120, lr: 1e-2, warmup: 10, batchTokens: 256, micro: 8, seqLen: 32)
        options.validationInterval = 40
        let trainer = try Trainer(model: model, source: TokenStreamSource(tokens: Array(bytes[..<split])),
                                  options: options, validationBatches: held)
        let before = trainer.validationLoss()
        let history = try trainer.run()
        let after = try #require(history.last?.valLoss)
        #expect(history.compactMap(\.valLoss).count == 3)
        #expect(before > 5 && after < before - 1.5, "validation loss \(before) -> \(after)")
    }

    @Test func nonFiniteLossStopsAndKeepsTheLastCheckpoint() throws {
        let folder = temporaryFolder()
        let model = PLMTransformer(config: trainerTestConfig, seed: 1, options: ModelOptions(threads: 1))
        let trainer = try Trainer(model: model, source: SyntheticSource(vocabSize: 64, seed: 5),
                                  options: trainerOptions(steps: 4, folder: folder))
        _ = try trainer.trainStep()
        let saved = try #require(try trainer.saveCheckpoint())
        let goodWeights = Array(model.parameters)
        // Poison one weight, as an overflowing update would.
        model.parameters[model.layout.tensor(named: "model.layers.1.mlp.up_proj.weight")!.offset] = .infinity
        let error = #expect(throws: TrainingError.self) { try trainer.trainStep() }
        #expect(error?.description.contains("training diverged at step 2") == true)
        #expect(error?.description.contains("The last good checkpoint is \(saved) (intact)") == true)
        let reloaded = try Checkpoint.loadModel(from: saved)
        #expect(Array(reloaded.parameters) == goodWeights)
    }

    @Test func badDataIsRefusedBeforeTraining() throws {
        let model = PLMTransformer(config: trainerTestConfig, seed: 1, options: ModelOptions(threads: 1))
        let tooLarge = try TokenStreamSource(tokens: [1, 2, 3, 200, 4, 5])
        let error = #expect(throws: TrainingError.self) {
            try Trainer(model: model, source: tooLarge, options: trainerOptions(steps: 1))
        }
        #expect(error?.description.contains("token id 200, outside the model's vocabulary of 64") == true)
        #expect(throws: TrainingError.self) {
            try Trainer(model: model, source: SyntheticSource(vocabSize: 64, seed: 1),
                        options: trainerOptions(steps: 1, batchTokens: 40, micro: 2, seqLen: 16))
        }
        #expect(throws: BatchSourceError.self) { try TokenStreamSource(tokens: []) }
    }
}
