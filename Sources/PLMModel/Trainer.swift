import CorpusIO
import Foundation

/// The training loop: micro-batches from a source, gradients accumulated to the step's token batch,
/// one global clip and one AdamW update per step at the schedule's rate, metrics per step,
/// validation and checkpoints at intervals. Given the same seed, data and thread count, every run
/// (and every resumed run) produces the same losses.
public final class Trainer<Source: BatchSource> {
    public let model: PLMTransformer
    public let optimizer: AdamW
    public let options: TrainerOptions
    public private(set) var source: Source
    /// Fixed validation micro-batches, drawn once, so every validation measures the same tokens.
    public let validationBatches: [TokenBatch]
    /// The next step to take (run-wide).
    public private(set) var step: Int
    public private(set) var tokensSeen = 0
    public private(set) var lastCheckpoint: String?
    private let flopsPerToken: Double
    private var metricsLog: MetricsLog?

    public init(model: PLMTransformer, source: Source, options: TrainerOptions,
                validationBatches: [TokenBatch] = []) throws {
        let rows = options.microBatchSize * options.sequenceLength
        guard options.microBatchSize >= 1, options.sequenceLength >= 1, options.batchTokens >= rows,
              options.batchTokens % rows == 0 else {
            throw TrainingError.badBatchShape("batch of \(options.batchTokens) tokens is not a positive multiple of the "
                + "micro-batch (\(options.microBatchSize) x \(options.sequenceLength) = \(rows) tokens)")
        }
        guard options.sequenceLength <= model.config.maxPositionEmbeddings else {
            throw TrainingError.sequenceTooLong(sequenceLength: options.sequenceLength,
                                                maxPositions: model.config.maxPositionEmbeddings)
        }
        if let largest = source.maximumTokenId, Int(largest) >= model.config.vocabSize {
            throw TrainingError.tokenOutsideVocabulary(token: largest, vocabSize: model.config.vocabSize)
        }
        for batch in validationBatches { try Self.checkVocabulary(batch, vocabSize: model.config.vocabSize) }
        self.model = model
        self.source = source
        self.options = options
        self.validationBatches = validationBatches
        optimizer = AdamW(layout: model.layout, settings: options.optimizer)
        step = options.steps.lowerBound
        flopsPerToken = TrainingFLOPs.perToken(config: model.config, sequenceLength: options.sequenceLength)
    }

    /// Continues from a checkpoint folder: weights, optimizer moments, step and data position.
    public func resume(from folder: String) throws {
        try Checkpoint.loadWeights(into: model, from: folder)
        let state = try Checkpoint.loadTrainingState(from: folder, optimizer: optimizer, as: Source.Position.self)
        try source.seek(to: state.dataPosition)
        step = state.step
        tokensSeen = state.tokensSeen
        lastCheckpoint = folder
    }

    /// Starts this phase from the previous phase's final checkpoint: its weights and optimizer
    /// moments carry over (the schedule continues where it ended); the data starts afresh.
    public func continueFrom(previousPhase folder: String) throws {
        let progress = try Checkpoint.progress(of: folder)
        guard progress.step == options.steps.lowerBound else {
            throw CheckpointError(path: folder, message: "the previous phase stopped at step \(progress.step), this phase "
                + "starts at step \(options.steps.lowerBound): finish the previous phase first")
        }
        try Checkpoint.loadWeights(into: model, from: folder)
        try Checkpoint.loadMoments(from: folder, into: optimizer)
        optimizer.step = progress.optimizerStep
        lastCheckpoint = folder
    }

    /// Trains until the end of `options.steps`, calling `observer` after each step.
    @discardableResult
    public func run(observer: (StepMetrics) -> Void = { _ in }) throws -> [StepMetrics] {
        if let path = options.metricsPath {
            // A resumed run rewrites the steps after its checkpoint, so the file holds each step once.
            try MetricsLog.truncate(path: path, fromStep: step)
            metricsLog = try MetricsLog(path: path)
        }
        var history: [StepMetrics] = []
        while step < options.steps.upperBound {
            var metrics = try trainStep()
            let done = step >= options.steps.upperBound
            if !validationBatches.isEmpty, options.validationInterval > 0,
               done || (step - options.steps.lowerBound) % options.validationInterval == 0 {
                metrics.valLoss = validationLoss()
            }
            try metricsLog?.append(metrics)
            history.append(metrics)
            observer(metrics)
            if options.checkpointDirectory != nil,
               done || (options.checkpointInterval > 0 && (step - options.steps.lowerBound) % options.checkpointInterval == 0) {
                try saveCheckpoint(lastLoss: metrics.loss)
            }
        }
        return history
    }

    /// One optimizer step over `microBatchesPerStep` micro-batches. Throws before touching the
    /// weights when the loss or the gradient is not finite.
    public func trainStep() throws -> StepMetrics {
        let start = DispatchTime.now().uptimeNanoseconds
        var batches: [TokenBatch] = []
        for _ in 0..<options.microBatchesPerStep {
            let batch = try source.next(batchSize: options.microBatchSize, sequenceLength: options.sequenceLength)
            try Self.checkVocabulary(batch, vocabSize: model.config.vocabSize)
            batches.append(batch)
        }
        // The loss is the mean over every counted target of the step, so each micro-batch's gradient
        // is scaled by 1 / (targets counted in the whole step), known before the first backward.
        let counted = batches.map(\.countedTargets).reduce(0, +)
        let scale = Float(1.0 / Double(max(1, counted)))
        model.zeroGradients()
        var lossSum = 0.0
        for batch in batches { lossSum += model.forwardBackward(batch, gradientScale: scale).lossSum }
        let loss = counted > 0 ? lossSum / Double(counted) : 0
        let norm = AdamW.norm(model.gradients)
        guard loss.isFinite, norm.isFinite else {
            throw TrainingError.nonFiniteLoss(step: step, loss: loss, gradientNorm: norm, lastCheckpoint: lastCheckpoint)
        }
        let rate = options.schedule.learningRate(at: step)
        optimizer.update(parameters: model.parameters, gradients: model.gradients, learningRate: rate,
                         gradientScale: optimizer.clipScale(gradientNorm: norm))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let tokens = options.batchTokens
        tokensSeen += tokens
        let metrics = StepMetrics(step: step, phase: options.phase, loss: loss, lr: rate, gradNorm: norm, tokens: tokens,
                                  seconds: seconds, tokensPerSecond: Double(tokens) / seconds,
                                  gflops: flopsPerToken * Double(tokens) / seconds / 1e9, mfu: nil, valLoss: nil)
        step += 1
        return withMFU(metrics)
    }

    /// Mean loss over the validation batches' counted targets.
    public func validationLoss() -> Double {
        var sum = 0.0, count = 0
        for batch in validationBatches {
            let result = model.loss(batch)
            sum += result.lossSum
            count += result.count
        }
        return count > 0 ? sum / Double(count) : .nan
    }

    /// Writes a checkpoint of the current state (after `step` updates).
    @discardableResult
    public func saveCheckpoint(lastLoss: Double? = nil) throws -> String? {
        guard let directory = options.checkpointDirectory else { return nil }
        let state = TrainerState(step: step, optimizerStep: optimizer.step, phase: options.phase,
                                 schedule: options.schedule, optimizer: optimizer.settings, seed: options.seed,
                                 tokensSeen: tokensSeen, batchTokens: options.batchTokens,
                                 microBatchSize: options.microBatchSize, sequenceLength: options.sequenceLength,
                                 threads: model.options.threads, dataPosition: source.position, lastLoss: lastLoss)
        let folder = try Checkpoint.save(model: model, optimizer: optimizer, state: state, in: directory,
                                         keep: options.keepCheckpoints, extraFiles: options.checkpointExtraFiles)
        lastCheckpoint = folder
        FaultInjection.point("checkpoint")   // kill tests: a checkpoint written, training not yet on
        return folder
    }

    private func withMFU(_ metrics: StepMetrics) -> StepMetrics {
        var metrics = metrics
        if let peak = options.peakGFLOPs, peak > 0 { metrics.mfu = metrics.gflops / peak }
        return metrics
    }

    static func checkVocabulary(_ batch: TokenBatch, vocabSize: Int) throws {
        let limit = Int32(clamping: vocabSize)
        for token in batch.inputs where token < 0 || token >= limit {
            throw TrainingError.tokenOutsideVocabulary(token: token, vocabSize: vocabSize)
        }
        for token in batch.targets where token < 0 || token >= limit {
            throw TrainingError.tokenOutsideVocabulary(token: token, vocabSize: vocabSize)
        }
    }
}
