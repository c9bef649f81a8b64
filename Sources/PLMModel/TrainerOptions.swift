/// How a training run goes: batch shape, optimizer, schedule, which steps, how often to validate
/// and checkpoint, where to write.
public struct TrainerOptions: Sendable {
    /// Tokens per optimizer step; a multiple of microBatchSize * sequenceLength (gradients of that many
    /// micro-batches are accumulated before each update).
    public var batchTokens: Int
    public var microBatchSize: Int        // B
    public var sequenceLength: Int        // T
    public var optimizer: AdamWSettings
    public var schedule: WSDCSchedule
    /// The run-wide steps this trainer takes (a phase's range; 0..<total for a plain run).
    public var steps: Range<Int>
    /// The phase name written to metrics and checkpoints.
    public var phase: String?
    /// Validate every this many steps (and at the end); 0 turns it off.
    public var validationInterval: Int
    /// Checkpoint every this many steps (and at the end); 0 writes only the final one.
    public var checkpointInterval: Int
    /// Where checkpoints go (`step-N` folders and `latest`); nil writes none.
    public var checkpointDirectory: String?
    /// Checkpoint folders kept.
    public var keepCheckpoints: Int
    /// JSON-lines metrics file; nil writes none.
    public var metricsPath: String?
    /// Recorded in checkpoints (the model was initialised with it).
    public var seed: UInt64
    /// Measured sgemm GFLOP/s, for MFU; nil leaves MFU out.
    public var peakGFLOPs: Double?
    /// Copied into every checkpoint folder (the tokenizer files, so the folder loads on its own).
    public var checkpointExtraFiles: [String] = []

    public init(batchTokens: Int, microBatchSize: Int, sequenceLength: Int, optimizer: AdamWSettings = .init(),
                schedule: WSDCSchedule, steps: Range<Int>? = nil, phase: String? = nil, validationInterval: Int = 0,
                checkpointInterval: Int = 0, checkpointDirectory: String? = nil, keepCheckpoints: Int = 2,
                metricsPath: String? = nil, seed: UInt64 = 0, peakGFLOPs: Double? = nil) {
        self.batchTokens = batchTokens
        self.microBatchSize = microBatchSize
        self.sequenceLength = sequenceLength
        self.optimizer = optimizer
        self.schedule = schedule
        self.steps = steps ?? 0..<schedule.totalSteps
        self.phase = phase
        self.validationInterval = validationInterval
        self.checkpointInterval = checkpointInterval
        self.checkpointDirectory = checkpointDirectory
        self.keepCheckpoints = keepCheckpoints
        self.metricsPath = metricsPath
        self.seed = seed
        self.peakGFLOPs = peakGFLOPs
    }

    /// Micro-batches accumulated per optimizer step.
    public var microBatchesPerStep: Int { batchTokens / (microBatchSize * sequenceLength) }
}

/// Why training stopped early or could not start.
public enum TrainingError: Error, Sendable, CustomStringConvertible {
    case badBatchShape(String)
    case nonFiniteLoss(step: Int, loss: Double, gradientNorm: Double, lastCheckpoint: String?)
    case tokenOutsideVocabulary(token: Int32, vocabSize: Int)
    case sequenceTooLong(sequenceLength: Int, maxPositions: Int)

    public var description: String {
        switch self {
        case .badBatchShape(let message): return message
        case let .nonFiniteLoss(step, loss, norm, checkpoint):
            // Counted from 1 like the progress line (metrics.jsonl's 0-based step is one less).
            return "training diverged at step \(step + 1): loss \(loss), gradient norm \(norm); stopped before updating "
                + "the weights. " + (checkpoint.map { "The last good checkpoint is \($0) (intact); " }
                                      ?? "No checkpoint was written yet; ")
                + "lower the learning rate or lengthen the warmup and resume."
        case let .tokenOutsideVocabulary(token, vocab):
            return "the data holds token id \(token), outside the model's vocabulary of \(vocab) "
                + "(was it tokenised with a larger tokenizer? set vocab_size to at least \(token + 1))"
        case let .sequenceTooLong(length, maxPositions):
            return "sequence length \(length) exceeds the model's max_position_embeddings \(maxPositions)"
        }
    }
}
