import PLMModel

/// The pipeline's `model:` section: which PLM shape to train, how batches are cut, the optimizer,
/// and how often to validate and checkpoint.
public struct ModelSettings: Sendable, Equatable {
    /// A preset name (`plm-tiny`, `plm-small`, `plm-1.8b`), or nil when `configPath` gives the shape.
    public var preset: String?
    /// A Hugging Face `config.json` giving the shape, resolved against the pipeline's folder.
    public var configPath: String?
    /// Fixed vocabulary size; nil takes it from the run's tokenizer.
    public var vocabSize: Int?
    public var seed: UInt64 = 0
    public var sequenceLength: Int = 256
    public var microBatchSize: Int = 8
    /// Tokens per optimizer step (a multiple of micro_batch x sequence_length).
    public var batchTokens: Int = 8 * 256
    /// Keep attention inside each packed document.
    public var maskAcrossDocuments = false
    /// Threads for the model (nil: the pipeline's workers).
    public var threads: Int?
    public var optimizer = AdamWSettings()
    public var validationInterval = 100
    public var validationBatches = 4
    /// Steps between checkpoints; 0 writes one at the end of each phase only.
    public var checkpointInterval = 0

    public init() {}

    static let yamlKeys = ["preset", "config", "vocab_size", "seed", "sequence_length", "micro_batch", "batch_tokens",
                           "mask_across_documents", "threads", "optimizer", "validation_interval",
                           "validation_batches", "checkpoint_interval"]
    static let optimizerKeys = ["beta1", "beta2", "epsilon", "weight_decay", "grad_clip"]

    /// Reads `model:`; absent keys keep the defaults above.
    init(section: YAMLMapping?, pipelineFolder: String) throws(ConfigError) {
        self.init()
        guard let section else { return }
        preset = try section.optionalString("preset")
        configPath = try section.optionalString("config").map { ConfigPaths.join(pipelineFolder, $0) }
        if preset != nil && configPath != nil {
            throw section.error(at: section.location(of: "config"), "section 'model' takes either 'preset' or 'config', not both")
        }
        vocabSize = try section.optionalInt("vocab_size", atLeast: 1)
        if let value = try section.optionalInt("seed", atLeast: 0) { seed = UInt64(value) }
        if let value = try section.optionalInt("sequence_length", atLeast: 1) { sequenceLength = value }
        if let value = try section.optionalInt("micro_batch", atLeast: 1) { microBatchSize = value }
        let batch = try section.optionalTokenCount("batch_tokens")
        batchTokens = batch ?? microBatchSize * sequenceLength
        guard batchTokens > 0, batchTokens % (microBatchSize * sequenceLength) == 0 else {
            throw section.invalid("batch_tokens", mustBe: "a positive multiple of micro_batch x sequence_length "
                + "(\(microBatchSize) x \(sequenceLength) = \(microBatchSize * sequenceLength))")
        }
        if let value = try section.optionalBool("mask_across_documents") { maskAcrossDocuments = value }
        threads = try section.optionalInt("threads", atLeast: 1)
        if let value = try section.optionalInt("validation_interval", atLeast: 0) { validationInterval = value }
        if let value = try section.optionalInt("validation_batches", atLeast: 0) { validationBatches = value }
        if let value = try section.optionalInt("checkpoint_interval", atLeast: 0) { checkpointInterval = value }
        if let part = try section.optionalMapping("optimizer", context: "section 'model.optimizer'",
                                                  allowed: Self.optimizerKeys) {
            func fraction(_ key: String) throws(ConfigError) -> Double? {
                guard let value = try part.optionalDouble(key) else { return nil }
                guard value >= 0, value < 1 else { throw part.invalid(key, mustBe: "a number in [0, 1)") }
                return value
            }
            if let value = try fraction("beta1") { optimizer.beta1 = value }
            if let value = try fraction("beta2") { optimizer.beta2 = value }
            if let value = try part.optionalDouble("epsilon") {
                guard value > 0 else { throw part.invalid("epsilon", mustBe: "a positive number") }
                optimizer.epsilon = value
            }
            if let value = try part.optionalDouble("weight_decay") {
                guard value >= 0 else { throw part.invalid("weight_decay", mustBe: "a number >= 0") }
                optimizer.weightDecay = value
            }
            if let value = try part.optionalDouble("grad_clip") { optimizer.gradientClip = value }
        }
    }
}

extension PipelineConfig {
    /// The typed `model:` section (defaults when absent).
    public func modelSettings() throws(ConfigError) -> ModelSettings {
        let section = try reserved["model"].map { node throws(ConfigError) in
            try YAMLMapping(node, file: path, context: "section 'model'", allowed: ModelSettings.yamlKeys)
        }
        return try ModelSettings(section: section, pipelineFolder: ConfigPaths.directory(of: path))
    }
}
