import CorpusIO
import Foundation
import Shards

/// What one DPO step did, as written to `metrics.jsonl`: the loss and rate fields the report's loss curve
/// reads, and DPO's own measures (means over the step's pairs).
public struct PreferenceStepMetrics: Codable, Sendable, Equatable {
    public var step: Int
    public var phase: String?
    public var loss: Double
    public var lr: Double
    public var gradNorm: Double
    public var pairs: Int
    /// Mean of beta * (policy - reference) log-probability of the chosen and of the rejected answers.
    public var chosenReward: Double
    public var rejectedReward: Double
    public var rewardMargin: Double
    /// Share of pairs whose chosen answer's reward beats the rejected one's.
    public var rewardAccuracy: Double
    /// Mean summed log-probability of the answers under the policy.
    public var chosenLogProbability: Double
    public var rejectedLogProbability: Double
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case step, phase, loss, lr, gradNorm = "grad_norm", pairs, seconds
        case chosenReward = "chosen_reward", rejectedReward = "rejected_reward", rewardMargin = "reward_margin"
        case rewardAccuracy = "reward_accuracy", chosenLogProbability = "chosen_logp", rejectedLogProbability = "rejected_logp"
    }
}

/// How a preference phase trains.
public struct PreferenceTrainerOptions: Sendable {
    public var loss: DPOLoss
    /// Weight of a negative log-likelihood term on the chosen answers, per token (Iterative RPO, Pang et al.
    /// 2024: DPO alone lowers the chosen answers' likelihood with the rejected ones', which on reasoning
    /// tasks undoes what SFT taught); 0 is plain DPO.
    public var chosenNLLWeight = 0.0
    /// Pairs per optimizer step, and per micro-batch (each micro-batch is 2 x pairs rows).
    public var pairsPerStep: Int
    public var microPairs: Int
    public var sequenceLength: Int
    public var optimizer: AdamWSettings
    /// The learning rate of each run-wide step (`schedule.learningRate(at:)`).
    public var schedule: WSDCSchedule
    /// Run-wide steps this trainer takes.
    public var steps: Range<Int>
    public var phase: String?
    public var checkpointInterval: Int
    public var checkpointDirectory: String?
    public var keepCheckpoints = 3
    public var metricsPath: String?
    public var seed: UInt64
    public var checkpointExtraFiles: [String] = []

    public init(loss: DPOLoss, pairsPerStep: Int, microPairs: Int, sequenceLength: Int, optimizer: AdamWSettings,
                schedule: WSDCSchedule, steps: Range<Int>, phase: String?, checkpointInterval: Int,
                checkpointDirectory: String?, metricsPath: String?, seed: UInt64) {
        self.loss = loss
        self.pairsPerStep = pairsPerStep
        self.microPairs = microPairs
        self.sequenceLength = sequenceLength
        self.optimizer = optimizer
        self.schedule = schedule
        self.steps = steps
        self.phase = phase
        self.checkpointInterval = checkpointInterval
        self.checkpointDirectory = checkpointDirectory
        self.metricsPath = metricsPath
        self.seed = seed
    }
}

/// DPO training: the policy learns to prefer each pair's chosen answer over its rejected one by more
/// than the frozen reference does. Per step, `pairsPerStep` pairs in micro-batches: the reference's
/// answer log-probabilities (forward only), then the policy's in one forward pass whose backward carries
/// d(loss)/d(logp) per answer (`forwardBackwardSequences`); gradients accumulate to the step's mean, are
/// clipped and applied by AdamW. Checkpoints and resume work as `Trainer`'s.
public final class PreferenceTrainer {
    public let policy: PLMTransformer
    public let reference: PLMTransformer
    public let optimizer: AdamW
    public let options: PreferenceTrainerOptions
    public private(set) var source: PreferenceBatchSource
    public private(set) var step: Int
    public private(set) var lastCheckpoint: String?
    private var pairsSeen = 0

    public init(policy: PLMTransformer, reference: PLMTransformer, source: PreferenceBatchSource,
                options: PreferenceTrainerOptions) throws {
        guard policy.config == reference.config else {
            throw TrainingError.badBatchShape("the reference model's shape (hidden \(reference.config.hiddenSize), "
                + "\(reference.config.numHiddenLayers) layers, vocab \(reference.config.vocabSize)) differs from the policy's "
                + "(hidden \(policy.config.hiddenSize), \(policy.config.numHiddenLayers) layers, vocab \(policy.config.vocabSize))")
        }
        guard options.microPairs >= 1, options.pairsPerStep >= options.microPairs,
              options.pairsPerStep % options.microPairs == 0 else {
            throw TrainingError.badBatchShape("\(options.pairsPerStep) pairs per step is not a positive multiple of "
                + "\(options.microPairs) pairs per micro-batch")
        }
        guard options.sequenceLength <= policy.config.maxPositionEmbeddings else {
            throw TrainingError.sequenceTooLong(sequenceLength: options.sequenceLength,
                                                maxPositions: policy.config.maxPositionEmbeddings)
        }
        self.policy = policy
        self.reference = reference
        self.source = source
        self.options = options
        optimizer = AdamW(layout: policy.layout, settings: options.optimizer)
        step = options.steps.lowerBound
    }

    /// Continues from a checkpoint of this phase: weights, moments, step and the pair reader's position.
    public func resume(from folder: String) throws {
        try Checkpoint.loadWeights(into: policy, from: folder)
        let state = try Checkpoint.loadTrainingState(from: folder, optimizer: optimizer, as: ShardIteratorPosition.self)
        try source.seek(to: state.dataPosition)
        step = state.step
        // The checkpoint counts pairs in its `tokens_seen` (a resumed run's checkpoints must say what an
        // uninterrupted run's say).
        pairsSeen = state.tokensSeen
        lastCheckpoint = folder
    }

    /// Starts from the checkpoint that ends where these steps begin (the previous phase's, or the previous
    /// round's): its weights and moments; the pairs start afresh.
    public func continueFrom(previousPhase folder: String) throws {
        let progress = try Checkpoint.progress(of: folder)
        guard progress.step == options.steps.lowerBound else {
            throw CheckpointError(path: folder, message: "stopped at step \(progress.step), these steps start at "
                + "\(options.steps.lowerBound): finish the steps before first")
        }
        try Checkpoint.loadWeights(into: policy, from: folder)
        try Checkpoint.loadMoments(from: folder, into: optimizer)
        optimizer.step = progress.optimizerStep
        lastCheckpoint = folder
    }

    @discardableResult
    public func run(observer: (PreferenceStepMetrics) -> Void = { _ in }) throws -> [PreferenceStepMetrics] {
        var log: MetricsLog?
        if let path = options.metricsPath {
            try MetricsLog.truncate(path: path, fromStep: step)
            log = try MetricsLog(path: path)
        }
        var history: [PreferenceStepMetrics] = []
        while step < options.steps.upperBound {
            let metrics = try trainStep()
            try log?.append(metrics)
            history.append(metrics)
            observer(metrics)
            let done = step >= options.steps.upperBound
            if options.checkpointDirectory != nil,
               done || (options.checkpointInterval > 0 && (step - options.steps.lowerBound) % options.checkpointInterval == 0) {
                try saveCheckpoint(lastLoss: metrics.loss)
            }
        }
        return history
    }

    /// One optimizer step over `pairsPerStep` pairs; throws before touching the weights when the loss or
    /// the gradient is not finite.
    public func trainStep() throws -> PreferenceStepMetrics {
        let start = DispatchTime.now().uptimeNanoseconds
        let t = options.sequenceLength, total = Double(options.pairsPerStep)
        policy.zeroGradients()
        var loss = 0.0, chosenReward = 0.0, rejectedReward = 0.0, correct = 0, chosenLogp = 0.0, rejectedLogp = 0.0
        for _ in 0..<(options.pairsPerStep / options.microPairs) {
            let batch = try source.next(pairs: options.microPairs, sequenceLength: t)
            let pairs = options.microPairs
            let referenceLogp = reference.sequenceLogProbabilities(batch)
            let chosenTokens = (0..<pairs).map { row in
                batch.lossMask.map { mask in mask[(row * t)..<((row + 1) * t)].reduce(0, +) }.map { Int($0) } ?? t
            }
            policy.forwardBackwardSequences(batch) { logp in
                var coefficients = [Double](repeating: 0, count: 2 * pairs)
                for i in 0..<pairs {
                    let result = options.loss.evaluate(DPOLoss.Pair(
                        policyChosen: logp[i], policyRejected: logp[pairs + i],
                        referenceChosen: referenceLogp[i], referenceRejected: referenceLogp[pairs + i]))
                    // The step's loss is the mean over its pairs; the NLL term is per chosen token.
                    let nll = options.chosenNLLWeight / Double(max(1, chosenTokens[i]))
                    coefficients[i] = (result.dChosen - nll) / total
                    coefficients[pairs + i] = result.dRejected / total
                    loss += result.loss - nll * logp[i]
                    chosenReward += result.chosenReward
                    rejectedReward += result.rejectedReward
                    if result.margin > 0 { correct += 1 }
                    chosenLogp += logp[i]
                    rejectedLogp += logp[pairs + i]
                }
                return coefficients
            }
        }
        loss /= total
        let norm = AdamW.norm(policy.gradients)
        guard loss.isFinite, norm.isFinite else {
            throw TrainingError.nonFiniteLoss(step: step, loss: loss, gradientNorm: norm, lastCheckpoint: lastCheckpoint)
        }
        let rate = options.schedule.learningRate(at: step)
        optimizer.update(parameters: policy.parameters, gradients: policy.gradients, learningRate: rate,
                         gradientScale: optimizer.clipScale(gradientNorm: norm))
        pairsSeen += options.pairsPerStep
        let metrics = PreferenceStepMetrics(
            step: step, phase: options.phase, loss: loss, lr: rate, gradNorm: norm, pairs: options.pairsPerStep,
            chosenReward: chosenReward / total, rejectedReward: rejectedReward / total,
            rewardMargin: (chosenReward - rejectedReward) / total, rewardAccuracy: Double(correct) / total,
            chosenLogProbability: chosenLogp / total, rejectedLogProbability: rejectedLogp / total,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        step += 1
        return metrics
    }

    @discardableResult
    public func saveCheckpoint(lastLoss: Double? = nil) throws -> String? {
        guard let directory = options.checkpointDirectory else { return nil }
        let state = TrainerState(step: step, optimizerStep: optimizer.step, phase: options.phase, schedule: options.schedule,
                                 optimizer: optimizer.settings, seed: options.seed, tokensSeen: pairsSeen,
                                 batchTokens: 2 * options.pairsPerStep * options.sequenceLength,
                                 microBatchSize: options.microPairs, sequenceLength: options.sequenceLength,
                                 threads: policy.options.threads, dataPosition: source.position, lastLoss: lastLoss)
        let folder = try Checkpoint.save(model: policy, optimizer: optimizer, state: state, in: directory,
                                         keep: options.keepCheckpoints, extraFiles: options.checkpointExtraFiles)
        lastCheckpoint = folder
        FaultInjection.point("checkpoint")
        FaultInjection.point("checkpoint:" + (options.phase ?? ""))   // kill tests: this phase's N-th checkpoint
        return folder
    }
}
