import CorpusIO
import Foundation
import PLMModel
import Shards
import Stages

/// Trains one phase of a pipeline (`plm train PIPELINE --phase P`): the model shape from `model:`,
/// the phase's step range from `schedule:`, data from `<output>/pack/<phase>/train` (and `val`)
/// through a source the caller makes, output under `<output>/train/<phase>/` (checkpoints/,
/// metrics.jsonl). A phase resumes from its own latest checkpoint, else starts from the previous
/// phase's final one, else (the first phase) from a fresh seeded model.
public enum TrainRunner {
    /// Everything decided before training starts.
    public struct Plan: Sendable {
        public var phase: String
        public var config: PLMConfig
        public var model: ModelSettings
        public var schedule: PhasedSchedule
        /// The phase's run-wide steps.
        public var steps: Range<Int>
        public var trainData: String
        public var validationData: String
        public var outputFolder: String
        public var checkpointFolder: String { outputFolder + "/checkpoints" }
        public var metricsPath: String { outputFolder + "/metrics.jsonl" }
        /// The run's tokenizer files, copied into every checkpoint so that a checkpoint folder loads alone
        /// (Hugging Face's `from_pretrained(dir)`, `plm generate DIR`).
        public var tokenizerFiles: [String] = []
        /// The previous phase's checkpoint folder, nil for the first phase.
        public var previousCheckpoints: String?
        public var threads: Int
    }

    /// How the run starts.
    public enum Start: Sendable, Equatable {
        case fresh
        case resume(String)
        case previousPhase(String)
    }

    /// Resolves the model shape (preset or config.json, vocab from the tokenizer unless fixed) and the
    /// phase's place in the schedule.
    public static func plan(pipeline: PipelineConfig, phase: String, tokenizerVocabSize: Int?,
                            preset: (String) -> PLMConfig?, threads: Int? = nil) throws -> Plan {
        let model = try pipeline.modelSettings()
        let schedule = try pipeline.scheduleSettings().phasedSchedule(file: pipeline.path)
        guard let steps = schedule.range(ofPhase: phase) else {
            throw ConfigError(file: pipeline.path, location: nil, message: "phase '\(phase)' is not in section "
                + "'schedule' (phases: \(schedule.phases.map(\.name).joined(separator: ", ")))")
        }
        var config: PLMConfig
        if let path = model.configPath {
            config = try HFConfigFile.readModelConfig(path: path)
        } else {
            let name = model.preset ?? "plm-tiny"
            guard let found = preset(name) else {
                throw ConfigError(file: pipeline.path, location: nil, message: "section 'model': unknown preset '\(name)'")
            }
            config = found
        }
        if let vocab = model.vocabSize ?? tokenizerVocabSize { config.vocabSize = vocab }
        do { try config.validate() } catch {
            throw ConfigError(file: pipeline.path, location: nil, message: "section 'model': \(error)")
        }
        let index = schedule.phases.firstIndex { $0.name == phase }!
        let layout = try RunLayout(pipeline: pipeline)
        var plan = Plan(phase: phase, config: config, model: model, schedule: schedule, steps: steps,
                    trainData: layout.packTrain(phase: phase), validationData: layout.packValidation(phase: phase),
                    outputFolder: layout.trainFolder(phase: phase),
                    previousCheckpoints: index > 0 ? layout.checkpoints(phase: schedule.phases[index - 1].name) : nil,
                    threads: threads ?? model.threads ?? pipeline.workers)
        plan.tokenizerFiles = [layout.tokenizerJSON, layout.tokenizerFolder + "/tokenizer_config.json"]
        return plan
    }

    /// Where this phase starts: its own latest intact checkpoint, the previous phase's final one, or
    /// fresh. A checkpoint whose files do not match its checksums is skipped with a warning (`warn`)
    /// for the one before it.
    public static func start(of plan: Plan, warn: (String) -> Void = { _ in }) throws -> Start {
        if let own = Checkpoint.latestIntact(in: plan.checkpointFolder, warn: warn) { return .resume(own) }
        guard let previous = plan.previousCheckpoints else { return .fresh }
        guard let folder = Checkpoint.latestIntact(in: previous, warn: warn) else {
            throw ExecutorError(message: "phase '\(plan.phase)' starts from the previous phase's checkpoint, but "
                + "\(previous) has none: train the previous phase first")
        }
        return .previousPhase(folder)
    }

    /// The first `count` micro-batches of a validation split (a fixed order: seed 0); none, with a note,
    /// when the split is missing or holds no sample (`pack.val_fraction: 0`, or a phase too small to
    /// hold one out): training then runs without validation.
    public static func validationBatches(folder: String?, count: Int, batchSize: Int, sequenceLength: Int,
                                         say: (String) -> Void) throws -> [TokenBatch] {
        guard let folder, count > 0 else { return [] }
        guard FileSystem.isDirectory(folder),
              let index = try? MDSIndex.load(directory: folder), index.shards.contains(where: { $0.samples > 0 }) else {
            say("note: \(folder) holds no validation samples: training without validation (raise pack.val_fraction "
                + "to validate)")
            return []
        }
        var source = try ShardBatchSource(directory: folder, seed: 0)
        return try (0..<count).map { _ in try source.next(batchSize: batchSize, sequenceLength: sequenceLength) }
    }

    public static func trainerOptions(_ plan: Plan, peakGFLOPs: Double?) -> TrainerOptions {
        var options = TrainerOptions(batchTokens: plan.model.batchTokens, microBatchSize: plan.model.microBatchSize,
                       sequenceLength: plan.model.sequenceLength, optimizer: plan.model.optimizer,
                       schedule: plan.schedule.schedule, steps: plan.steps, phase: plan.phase,
                       validationInterval: plan.model.validationInterval,
                       checkpointInterval: plan.model.checkpointInterval, checkpointDirectory: plan.checkpointFolder,
                       metricsPath: plan.metricsPath, seed: plan.model.seed, peakGFLOPs: peakGFLOPs)
        options.checkpointExtraFiles = plan.tokenizerFiles
        return options
    }

    /// Builds the model and trainer, starts it as `start(of:)` says and trains the phase to its end.
    public static func run<Source: BatchSource>(
        plan: Plan, source: Source, validationBatches: [TokenBatch], peakGFLOPs: Double?,
        say: (String) -> Void, observer: (StepMetrics) -> Void
    ) throws -> [StepMetrics] {
        try FileSystem.createDirectory(plan.outputFolder)
        let model = PLMTransformer(config: plan.config, seed: plan.model.seed,
                                   options: ModelOptions(maskAcrossDocuments: plan.model.maskAcrossDocuments,
                                                         threads: plan.threads))
        let trainer = try Trainer(model: model, source: source, options: trainerOptions(plan, peakGFLOPs: peakGFLOPs),
                                  validationBatches: validationBatches)
        switch try start(of: plan, warn: say) {
        case .fresh:
            say("phase \(plan.phase): fresh model (seed \(plan.model.seed)), steps \(plan.steps.lowerBound)..<\(plan.steps.upperBound)")
        case .resume(let folder):
            try trainer.resume(from: folder)
            say("phase \(plan.phase): resuming from \(folder) at step \(trainer.step)")
        case .previousPhase(let folder):
            try trainer.continueFrom(previousPhase: folder)
            say("phase \(plan.phase): starting from \(folder), steps \(plan.steps.lowerBound)..<\(plan.steps.upperBound)")
        }
        guard trainer.step < plan.steps.upperBound else {
            say("phase \(plan.phase) is already complete (step \(trainer.step))")
            return []
        }
        return try trainer.run(observer: observer)
    }
}
