import ArgumentParser
import Foundation
import Pipeline
import PLMModel

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a PLM on a pipeline phase's shards, or on a token folder with a preset.",
        discussion: """
            plm train PIPELINE --phase P   trains phase P with the pipeline's model: and schedule: sections
                                           (data <output>/pack/P/train, output <output>/train/P); it resumes
                                           from the phase's last checkpoint, else starts from the previous
                                           phase's final checkpoint.
            plm train --preset plm-tiny --data DIR --steps N --output OUT [--resume]
                                           a single run (warmup, stable, then an optional decay).
            Metrics go to OUT/metrics.jsonl, one JSON object per step; checkpoints to OUT/checkpoints/step-N
            (model.safetensors + config.json load in Hugging Face tools). Set OPENBLAS_CORETYPE (Haswell for
            AVX2, SkylakeX for AVX-512) when OpenBLAS reports a generic kernel.
            """)

    @Argument(help: "A pipeline file (with --phase); omit for a single run.")
    var pipeline: String?

    @Option(help: "The pipeline phase to train.")
    var phase: String?

    @Option(help: "Model shape: \(PLMConfig.presetNames.joined(separator: ", ")).")
    var preset: String?

    @Option(help: "A Hugging Face config.json giving the model shape (instead of --preset).")
    var config: String?

    @Option(help: "Folder of packed training shards (plm pack output: index.json + MDS shards).")
    var data: String?

    @Option(help: "Folder of packed validation shards.")
    var valData: String?

    @Flag(help: "Train on seeded random tokens (speed runs and smoke tests).")
    var synthetic = false

    @Option(help: "Vocabulary size (default: the preset's, or one past the largest token id in --data).")
    var vocabSize: Int?

    @Option(help: "Optimizer steps (single run).")
    var steps: Int = 100

    @Option(help: "Tokens per optimizer step (gradients are accumulated up to it).")
    var batchTokens: Int?

    @Option(help: "Sequences per micro-batch (B).")
    var microBatch: Int = 8

    @Option(help: "Tokens per sequence (T).")
    var seqLen: Int = 256

    @Option(help: "Peak learning rate.")
    var lr: Double = 1e-3

    @Option(help: "Floor learning rate (end of the decay).")
    var minLr: Double?

    @Option(help: "Warmup steps (linear from 0).")
    var warmup: Int = 10

    @Option(help: "Decay steps at the end of the run (0: none).")
    var decaySteps: Int = 0

    @Option(help: "Decay shape: linear, cosine or 1-sqrt.")
    var decayShape: String = "1-sqrt"

    @Option(help: "AdamW decoupled weight decay (not on norms).")
    var weightDecay: Double = 0.1

    @Option(help: "Global gradient-norm clip (0: off).")
    var gradClip: Double = 1.0

    @Option(help: "Initialisation seed.")
    var seed: UInt64 = 1234

    @Option(help: "Threads for the model and BLAS (default: all cores).")
    var threads: Int?

    @Option(help: "Output folder (single run).")
    var output: String?

    @Flag(help: "Continue from the output folder's latest checkpoint (single run; pipeline phases always resume).")
    var resume = false

    @Option(help: "Validate every this many steps (0: off).")
    var valInterval: Int = 50

    @Option(help: "Validation micro-batches.")
    var valBatches: Int = 4

    @Option(help: "Checkpoint every this many steps (0: only at the end).")
    var checkpointInterval: Int = 0

    @Flag(help: "Keep attention inside documents.")
    var maskDocuments = false

    func validate() throws {
        if pipeline != nil {
            guard phase != nil else { throw ValidationError("a pipeline run needs --phase") }
        } else {
            guard output != nil else { throw ValidationError("a single run needs --output") }
            guard data != nil || synthetic else { throw ValidationError("give --data DIR or --synthetic") }
            guard preset == nil || config == nil else {
                throw ValidationError("give --preset or --config, not both")
            }
            guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
            guard warmup + decaySteps <= steps else { throw ValidationError("--warmup plus --decay-steps exceed --steps") }
        }
        guard DecayShape(rawValue: decayShape) != nil else {
            throw ValidationError("--decay-shape must be linear, cosine or 1-sqrt")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        // A pipeline phase as the run's graph has it (fingerprint, input checks), unless options change it.
        if let pipeline, vocabSize == nil, threads == nil {
            return try GraphNodeCommand.run(try PipelineArgument.parse([pipeline]), only: "train/" + phase!, workers: nil)
        }
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        Console.say("BLAS: OpenBLAS kernel \(BLAS.coreName), \(threadCount) threads")
        if let warning = BLAS.kernelWarning { Console.say("warning: \(warning)") }
        if let pipeline { try Self.runPhase(pipeline: pipeline, phase: phase!, threads: threads, vocabSize: vocabSize) } else {
            try runSingle(threads: threadCount)
        }
    }

    /// Trains one phase of a pipeline (also the `train/<phase>` stages of `plm run`).
    static func runPhase(pipeline path: String, phase: String, threads: Int?, vocabSize: Int? = nil) throws {
        let pipeline = try PipelineConfig.load(path: path)
        Console.say("BLAS: OpenBLAS kernel \(BLAS.coreName)")
        let tokenizerVocabulary = try vocabSize
            ?? TrainVocabulary.size(tokenizerJSON: RunLayout(pipeline: pipeline).tokenizerJSON)
        let plan = try TrainRunner.plan(pipeline: pipeline, phase: phase, tokenizerVocabSize: tokenizerVocabulary,
                                        preset: { try? PLMConfig.preset(named: $0) }, threads: threads)
        let peak = measurePeak(config: plan.config, threads: plan.threads,
                               rows: plan.model.microBatchSize * plan.model.sequenceLength)
        let source = try TrainData.source(folder: plan.trainData, seed: plan.model.seed)
        let validation = try TrainData.validationBatches(folder: plan.validationData, count: plan.model.validationBatches,
                                                         batchSize: plan.model.microBatchSize,
                                                         sequenceLength: plan.model.sequenceLength)
        describe(plan.config, batchTokens: plan.model.batchTokens, micro: plan.model.microBatchSize,
                 seqLen: plan.model.sequenceLength)
        let progress = TrainProgress(steps: plan.steps)
        let history = try TrainRunner.run(plan: plan, source: source, validationBatches: validation, peakGFLOPs: peak,
                                          say: Console.say, observer: progress.update)
        summarise(history, output: plan.outputFolder)
    }

    /// The MFU ceiling: the best sgemm of squares and of the model's own shapes (`SgemmPeak`).
    static func measurePeak(config: PLMConfig, threads: Int, rows: Int) -> Double {
        let peak = SgemmPeak.measure(threads: threads, config: config, rows: rows)
        Console.say("sgemm peak (squares and the model's shapes, best of 3 each): \(String(format: "%.1f", peak)) GFLOP/s")
        return peak
    }

    private func runSingle(threads: Int) throws {
        var modelConfig: PLMConfig
        if let config {
            modelConfig = try HFConfigFile.readModelConfig(path: config)
        } else {
            modelConfig = try PLMConfig.preset(named: preset ?? "plm-tiny")
        }
        let tokenSource = try data.map { try TrainData.source(folder: $0, seed: seed) }
        if let vocabSize { modelConfig.vocabSize = vocabSize }
        try modelConfig.validate()
        let validation = try TrainData.validationBatches(folder: valData, count: valBatches, batchSize: microBatch,
                                                         sequenceLength: seqLen)
        let peak = Self.measurePeak(config: modelConfig, threads: threads, rows: microBatch * seqLen)
        let decay = decaySteps
        let schedule = WSDCSchedule(peakLearningRate: lr, floorLearningRate: minLr ?? lr / 10, warmupSteps: warmup,
                                    stableSteps: steps - warmup - decay, decaySteps: decay, constantSteps: 0,
                                    decayShape: DecayShape(rawValue: decayShape)!)
        let options = TrainerOptions(batchTokens: batchTokens ?? microBatch * seqLen, microBatchSize: microBatch,
                                     sequenceLength: seqLen,
                                     optimizer: AdamWSettings(weightDecay: weightDecay, gradientClip: gradClip),
                                     schedule: schedule, validationInterval: valInterval,
                                     checkpointInterval: checkpointInterval,
                                     checkpointDirectory: output! + "/checkpoints", metricsPath: output! + "/metrics.jsonl",
                                     seed: seed, peakGFLOPs: peak)
        try FileManager.default.createDirectory(atPath: output!, withIntermediateDirectories: true)
        let model = PLMTransformer(config: modelConfig, seed: seed,
                                   options: ModelOptions(maskAcrossDocuments: maskDocuments, threads: threads))
        Self.describe(modelConfig, batchTokens: options.batchTokens, micro: microBatch, seqLen: seqLen)
        let progress = TrainProgress(steps: options.steps)
        let history: [StepMetrics]
        if let tokenSource {
            history = try train(model: model, source: tokenSource, options: options, validation: validation,
                                progress: progress)
        } else {
            history = try train(model: model, source: SyntheticSource(vocabSize: modelConfig.vocabSize, seed: seed),
                                options: options, validation: validation, progress: progress)
        }
        Self.summarise(history, output: output!)
    }

    private func train<Source: BatchSource>(model: PLMTransformer, source: Source, options: TrainerOptions,
                                            validation: [TokenBatch], progress: TrainProgress) throws -> [StepMetrics] {
        let trainer = try Trainer(model: model, source: source, options: options, validationBatches: validation)
        if resume, let latest = options.checkpointDirectory.flatMap(Checkpoint.latest(in:)) {
            try trainer.resume(from: latest)
            Console.say("resuming from \(latest) at step \(trainer.step)")
        } else if resume {
            Console.note("no checkpoint under \(options.checkpointDirectory ?? "-"); starting fresh")
        }
        return try trainer.run(observer: progress.update)
    }

    private static func describe(_ config: PLMConfig, batchTokens: Int, micro: Int, seqLen: Int) {
        let parameters = ParameterLayout(config: config).totalCount
        Console.say("model: \(String(format: "%.2f", Double(parameters) / 1e6))M parameters (hidden \(config.hiddenSize), "
            + "\(config.numHiddenLayers) layers, \(config.numAttentionHeads) heads, vocab \(config.vocabSize)); "
            + "batch \(batchTokens) tokens = \(batchTokens / (micro * seqLen)) x (B \(micro) x T \(seqLen))")
        // Parameters, gradients and AdamW's two moments are fp32 arenas of P floats each: 16 bytes per
        // parameter before activations (which scale with B x T and are sized by the model).
        Console.say("state: 16 B x \(parameters) parameters = \(String(format: "%.1f", Double(16 * parameters) / 1_048_576)) MiB "
            + "(parameters, gradients, AdamW m and v), plus activations for B x T = \(micro * seqLen) positions")
    }

    private static func summarise(_ history: [StepMetrics], output: String) {
        guard let last = history.last else { return }
        let mean = history.map(\.tokensPerSecond).reduce(0, +) / Double(history.count)
        Console.say("done: \(history.count) steps, final loss \(String(format: "%.4f", last.loss)), "
            + "mean \(Int(mean)) tok/s; metrics in \(output)/metrics.jsonl, checkpoints in \(output)/checkpoints")
    }
}
