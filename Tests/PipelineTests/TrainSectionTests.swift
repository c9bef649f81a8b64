import CorpusIO
import Foundation
import PLMModel
import Testing
@testable import Pipeline
import Stages

@Suite("model: and schedule: sections and phase training")
struct TrainSectionTests {
    private func write(_ text: String, to path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    private func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("plm-train-\(UUID().uuidString)").path
    }

    static let tinyShape = PLMConfig(hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2, kvLoraRank: 16,
                                     qkNopeHeadDim: 8, qkRopeHeadDim: 4, vHeadDim: 8, intermediateSize: 64,
                                     vocabSize: 64, maxPositionEmbeddings: 64)

    static let pipelineText = """
        name: p
        manifest: m.yaml
        model:
          preset: test-tiny
          vocab_size: 64
          seed: 3
          sequence_length: 16
          micro_batch: 2
          batch_tokens: 64
          threads: 1
          validation_interval: 0
          optimizer: {weight_decay: 0.01, grad_clip: 0.5, beta2: 0.99}
        schedule:
          peak_lr: 0.003
          floor_lr: 0.0003
          warmup_steps: 2
          decay_shape: cosine
          phases:
            - {name: pretrain-1, segment: stable, steps: 4}
            - {name: anneal, segment: decay, tokens: 192}
            - {name: sft, segment: constant, steps: 2}
        """

    @Test("sections are read strictly and phases map onto the schedule")
    func sections() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write(Self.pipelineText, to: root + "/p.yaml")
        let pipeline = try PipelineConfig.load(path: root + "/p.yaml")
        let model = try pipeline.modelSettings()
        #expect(model.preset == "test-tiny" && model.vocabSize == 64 && model.batchTokens == 64)
        #expect(model.optimizer.weightDecay == 0.01 && model.optimizer.gradientClip == 0.5 && model.optimizer.beta2 == 0.99)
        let schedule = try pipeline.scheduleSettings().phasedSchedule(file: pipeline.path)
        #expect(schedule.phases.map(\.steps) == [4, 3, 2])   // 192 tokens / 64 per step = 3 steps
        #expect(schedule.range(ofPhase: "anneal") == 4..<7)
        #expect(schedule.schedule.decayShape == .cosine && schedule.schedule.warmupSteps == 2)

        try write(Self.pipelineText.replacingOccurrences(of: "micro_batch: 2", with: "micro_bach: 2"), to: root + "/bad.yaml")
        let error = #expect(throws: ConfigError.self) { try PipelineConfig.load(path: root + "/bad.yaml").modelSettings() }
        #expect(error?.description.contains("bad.yaml:8:") == true)
        #expect(error?.description.contains("unknown key 'micro_bach' in section 'model'; did you mean 'micro_batch'?") == true)

        try write(Self.pipelineText.replacingOccurrences(of: "batch_tokens: 64", with: "batch_tokens: 48"), to: root + "/odd.yaml")
        let odd = #expect(throws: ConfigError.self) { try PipelineConfig.load(path: root + "/odd.yaml").modelSettings() }
        #expect(odd?.description.contains("a positive multiple of micro_batch x sequence_length") == true)

        try write(Self.pipelineText.replacingOccurrences(of: "segment: constant", with: "segment: stable"), to: root + "/order.yaml")
        let order = #expect(throws: ConfigError.self) {
            try PipelineConfig.load(path: root + "/order.yaml").scheduleSettings().phasedSchedule(file: root + "/order.yaml")
        }
        #expect(order?.description.contains("phase 'sft' is stable after a later segment") == true)
    }

    @Test("each phase starts from the previous phase's final checkpoint and continues the schedule")
    func phasesChain() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write(Self.pipelineText.replacingOccurrences(of: "manifest: m.yaml", with: "manifest: m.yaml\noutput: \(root)/out"),
                  to: root + "/p.yaml")
        let pipeline = try PipelineConfig.load(path: root + "/p.yaml")
        #expect(pipeline.output == root + "/out")
        func preset(_ name: String) -> PLMConfig? { name == "test-tiny" ? Self.tinyShape : nil }
        let tokens: [Int32] = (0..<2000).map { (i: Int) -> Int32 in Int32((i * 13 + i / 7) % 64) }

        let first = try TrainRunner.plan(pipeline: pipeline, phase: "pretrain-1", tokenizerVocabSize: nil, preset: preset)
        #expect(first.trainData == pipeline.output + "/pack/pretrain-1/train")
        #expect(try TrainRunner.start(of: first) == .fresh)
        let one = try TrainRunner.run(plan: first, source: try TokenStreamSource(tokens: tokens), validationBatches: [],
                                      peakGFLOPs: nil, say: { _ in }, observer: { _ in })
        #expect(one.map { $0.step } == [0, 1, 2, 3])

        let anneal = try TrainRunner.plan(pipeline: pipeline, phase: "anneal", tokenizerVocabSize: nil, preset: preset)
        guard case .previousPhase(let from) = try TrainRunner.start(of: anneal) else {
            Issue.record("anneal should start from pretrain-1's checkpoint")
            return
        }
        #expect(from.hasSuffix("train/pretrain-1/checkpoints/step-00000004"))
        let two = try TrainRunner.run(plan: anneal, source: try TokenStreamSource(tokens: tokens), validationBatches: [],
                                      peakGFLOPs: nil, say: { _ in }, observer: { _ in })
        #expect(two.map { $0.step } == [4, 5, 6])
        #expect(two[0].lr < 0.003 && abs(two[2].lr - 0.0003) < 1e-12)
        // Running a finished phase again does nothing; sft cannot start before anneal's end exists.
        #expect(try TrainRunner.run(plan: anneal, source: try TokenStreamSource(tokens: tokens), validationBatches: [],
                                    peakGFLOPs: nil, say: { _ in }, observer: { _ in }).isEmpty)
        let unknown = #expect(throws: ConfigError.self) {
            try TrainRunner.plan(pipeline: pipeline, phase: "dpo", tokenizerVocabSize: nil, preset: preset)
        }
        #expect(unknown?.description.contains("phase 'dpo' is not in section 'schedule'") == true)
    }

    @Test("a damaged checkpoint is found by its checksums and training resumes from the one before")
    func damagedCheckpoint() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write(Self.pipelineText.replacingOccurrences(of: "manifest: m.yaml", with: "manifest: m.yaml\noutput: \(root)/out")
                    .replacingOccurrences(of: "validation_interval: 0", with: "validation_interval: 0\n  checkpoint_interval: 2"),
                  to: root + "/p.yaml")
        let pipeline = try PipelineConfig.load(path: root + "/p.yaml")
        func preset(_ name: String) -> PLMConfig? { name == "test-tiny" ? Self.tinyShape : nil }
        let tokens: [Int32] = (0..<2000).map { (i: Int) -> Int32 in Int32((i * 7 + i / 5) % 64) }
        let plan = try TrainRunner.plan(pipeline: pipeline, phase: "pretrain-1", tokenizerVocabSize: nil, preset: preset)
        _ = try TrainRunner.run(plan: plan, source: try TokenStreamSource(tokens: tokens), validationBatches: [],
                                peakGFLOPs: nil, say: { _ in }, observer: { _ in })
        let newest = plan.checkpointFolder + "/step-00000004", older = plan.checkpointFolder + "/step-00000002"
        #expect(FileSystem.exists(newest + "/" + Checkpoint.checksumFile))
        try Checkpoint.verify(folder: newest)
        // One flipped bit in the newest checkpoint's weights.
        var bytes = try FileInput.readAll(path: newest + "/model.safetensors")
        bytes[bytes.count - 5] ^= 0x10
        try FileSystem.writeAtomically(bytes, to: newest + "/model.safetensors")
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.verify(folder: newest) }
        #expect(error?.path.hasSuffix("step-00000004/model.safetensors") == true && error?.message.contains("damaged") == true)
        var warnings: [String] = []
        #expect(try TrainRunner.start(of: plan) { warnings.append($0) } == .resume(older))
        #expect(warnings.count == 1 && warnings[0].contains("falling back to an older checkpoint"))
    }

    @Test("the vocabulary size comes from the run's tokenizer.json")
    func vocabularyFromTokenizer() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = RunLayout(root: root).tokenizerJSON
        #expect(try TrainVocabulary.size(tokenizerJSON: path) == nil)
        try write(#"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}}, "added_tokens": [{"id": 7, "content": "<|end|>"}]}"#,
                  to: path)
        #expect(try TrainVocabulary.size(tokenizerJSON: path) == 8)
        try write(#"{"model": {"type": "BPE"}}"#, to: path)
        #expect(throws: ExecutorError.self) { try TrainVocabulary.size(tokenizerJSON: path) }
    }
}
