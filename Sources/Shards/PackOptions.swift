/// What a phase is packed for (mirrors the manifest's phase kind).
public enum PackKind: String, Sendable, Codable, CaseIterable {
    case pretrain, sft, preference
}

/// How pretraining documents become sequences.
public enum PackingMode: String, Sendable, Codable, CaseIterable {
    /// Documents concatenated with EOS and cut every `seq_len + 1` tokens (no padding).
    case concat
    /// Documents kept whole where they fit, placed best-fit-decreasing, the rest padded.
    case bestFit = "best_fit"
}

/// A phase's mixture as the manifest states it.
public struct PhaseMixture: Sendable, Equatable {
    public var name: String
    public var kind: PackKind
    /// Token budget of the training split; nil: each source contributes `epochs` times its data.
    public var tokens: Int?
    /// Relative weights per source (used with a budget).
    public var weights: [String: Double]
    /// With a budget: the most times a source may be repeated; without: how many times it is.
    public var epochs: [String: Double]
    /// Relative weight per language within each source (`other`: every language not listed); empty: no
    /// language is weighted. See `LanguagePools`.
    public var languageWeights: [String: Double]

    public init(name: String, kind: PackKind = .pretrain, tokens: Int? = nil, weights: [String: Double] = [:],
                epochs: [String: Double] = [:], languageWeights: [String: Double] = [:]) {
        self.name = name
        self.kind = kind
        self.tokens = tokens
        self.weights = weights
        self.epochs = epochs
        self.languageWeights = languageWeights
    }

    /// Sources the phase draws from, sorted by name.
    public var sources: [String] { Set(weights.keys).union(epochs.keys).sorted() }
}

/// Settings of the pack stage (the pipeline's `pack:` section).
public struct PackOptions: Sendable, Equatable {
    /// Tokens a trainer consumes per sample; samples hold `seqLen + 1` (inputs and shifted targets).
    public var seqLen: Int = 2048
    public var packing: PackingMode = .concat
    /// Share of documents, by content hash, held out for validation.
    public var validationFraction: Double = 0.01
    public var seed: UInt64 = 0
    /// zstd level of the shards; nil writes them uncompressed.
    public var compressionLevel: Int32? = 3
    /// streaming's `size_limit` (uncompressed bytes per shard).
    public var shardSizeLimit: Int = 1 << 26
    /// When the budget needs more tokens than a source has: repeat it (with a warning) or fail.
    public var allowUpsample: Bool = true
    /// Also write Megatron `.bin`/`.idx` beside the MDS shards.
    public var megatron: Bool = false
    /// Memory for choosing and shuffling a split's pieces (two sorts share it; beyond it they spill
    /// to disk). The output does not depend on it.
    public var planBufferBytes: Int = 64 << 20
    /// Threads for tokenizing.
    public var workers: Int = 1

    public init() {}

    public var sampleLength: Int { seqLen + 1 }
}
