/// What `trainer_state.json` holds besides the tensors: enough to continue a run exactly where it
/// stopped (same schedule, same next batch, same optimizer step).
public struct TrainerState<Position: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// Optimizer updates done in the whole run (across phases); the next update is step `step`.
    public var step: Int
    /// Optimizer updates done by AdamW since its moments were created (its bias-correction t).
    public var optimizerStep: Int
    /// The phase that wrote the checkpoint, when training a pipeline phase.
    public var phase: String?
    public var schedule: WSDCSchedule
    public var optimizer: AdamWSettings
    /// The seed the model was initialised with (recorded; there is no other randomness in training).
    public var seed: UInt64
    public var tokensSeen: Int
    public var batchTokens: Int
    public var microBatchSize: Int
    public var sequenceLength: Int
    public var threads: Int
    /// The batch source's reader position: where the next micro-batch starts.
    public var dataPosition: Position
    /// The last step's mean training loss, for reports.
    public var lastLoss: Double?

    public init(step: Int, optimizerStep: Int, phase: String?, schedule: WSDCSchedule, optimizer: AdamWSettings,
                seed: UInt64, tokensSeen: Int, batchTokens: Int, microBatchSize: Int, sequenceLength: Int, threads: Int,
                dataPosition: Position, lastLoss: Double?) {
        self.step = step
        self.optimizerStep = optimizerStep
        self.phase = phase
        self.schedule = schedule
        self.optimizer = optimizer
        self.seed = seed
        self.tokensSeen = tokensSeen
        self.batchTokens = batchTokens
        self.microBatchSize = microBatchSize
        self.sequenceLength = sequenceLength
        self.threads = threads
        self.dataPosition = dataPosition
        self.lastLoss = lastLoss
    }

    enum CodingKeys: String, CodingKey {
        case step, optimizerStep = "optimizer_step", phase, schedule, optimizer, seed, tokensSeen = "tokens_seen"
        case batchTokens = "batch_tokens", microBatchSize = "micro_batch_size", sequenceLength = "sequence_length"
        case threads, dataPosition = "data_position", lastLoss = "last_loss"
    }
}
