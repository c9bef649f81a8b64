import Tokenization

/// How a run trains its tokenizer (the pipeline's `tokenizer:` section): a byte-level BPE vocabulary
/// learnt from the filtered documents, written as `tokenizer.json` + `tokenizer_config.json`.
public struct TokenizerConfig: Sendable, Equatable {
    /// Special tokens + 256-byte alphabet + merges.
    public var vocabSize = 32000
    /// The split pattern (`gpt2`, `llama3`, `qwen2`).
    public var preset = SplitPreset.qwen2
    /// `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`, then the section's `special_tokens` (duplicates
    /// kept once). They take ids 0, 1, 2, ...
    public var specialTokens = BPETrainer.Options.defaultSpecialTokens
    /// A pair merges only if it occurs at least this often.
    public var minFrequency = 2
    /// UTF-8 bytes of text to train on, spread over the sources by the manifest's first pretraining
    /// phase weights (or by their sizes when it gives none); nil trains on every filtered document.
    public var sampleBytes: Int?
    /// Absolute output folder; nil means `<run root>/tokenizer`.
    public var output: String?
    /// The context length `tokenizer_config.json` announces (`model_max_length`).
    public var modelMaxLength = 2048
    /// Word counting tasks of a run's tokenizer (each counts every N-th training file); nil: one per ingest task.
    public var countTasks: Int?
    /// Memory of one counting task's word table and sort; beyond it the table is sorted out to disk.
    public var countBufferBytes = 512 << 20
    /// Words seen fewer times than this over the whole sample are left out of training (1: none).
    public var minWordCount = 1

    public init() {}

    static let yamlKeys = ["vocab_size", "preset", "special_tokens", "min_frequency", "sample", "output",
                           "model_max_length", "count_tasks", "count_buffer", "min_word_count"]

    /// Reads a `tokenizer:` section; absent keys keep the defaults above.
    init(section: YAMLMapping?) throws(ConfigError) {
        self.init()
        guard let section else { return }
        if let size = try section.optionalInt("vocab_size", atLeast: 1) { vocabSize = size }
        if let preset = try section.optionalChoice("preset", as: SplitPreset.self) { self.preset = preset }
        if let extra = try section.optionalStringList("special_tokens") {
            for (token, location) in extra {
                guard !token.isEmpty else { throw section.error(at: location, "an entry of special_tokens is empty") }
                if !specialTokens.contains(token) { specialTokens.append(token) }
            }
        }
        if let frequency = try section.optionalInt("min_frequency", atLeast: 0) { minFrequency = frequency }
        if let bytes = try section.optionalByteSize("sample") {
            guard bytes >= 1 else { throw section.invalid("sample", mustBe: "a positive byte size") }
            sampleBytes = bytes
        }
        if let folder = try section.optionalString("output") { output = ConfigPaths.absolute(folder) }
        if let length = try section.optionalInt("model_max_length", atLeast: 1) { modelMaxLength = length }
        countTasks = try section.optionalInt("count_tasks", atLeast: 1)
        if let bytes = try section.optionalByteSize("count_buffer") {
            guard bytes >= 8 << 20 else { throw section.invalid("count_buffer", mustBe: "at least 8MiB") }
            countBufferBytes = bytes
        }
        if let count = try section.optionalInt("min_word_count", atLeast: 1) { minWordCount = count }
        // 256 bytes + the special tokens is the smallest vocabulary that can be trained.
        let minimum = 256 + specialTokens.count
        if vocabSize < minimum {
            throw section.invalid("vocab_size", mustBe: "at least \(minimum) (the 256-byte alphabet plus "
                                  + "\(specialTokens.count) special tokens)")
        }
    }

    /// The pipeline's `tokenizer:` section (kept raw by `PipelineConfig` until it reads it itself),
    /// or the defaults when the pipeline has none.
    public static func load(from pipeline: PipelineConfig) throws(ConfigError) -> TokenizerConfig {
        guard let node = pipeline.reserved["tokenizer"] else { return TokenizerConfig() }
        return try TokenizerConfig(section: YAMLMapping(node, file: pipeline.path, context: "section 'tokenizer'",
                                                        allowed: yamlKeys))
    }

    /// Sets the output folder, made absolute against the working directory.
    public mutating func setOutput(_ folder: String) { output = ConfigPaths.absolute(folder) }

    /// A byte size as the pipeline files write them (`200MB`, `1GiB`, `5000000`).
    public static func byteSize(_ text: String) -> Int? { ConfigQuantities.byteSize(text) }

    /// Where the tokenizer files go for a run rooted at `root`.
    public func outputFolder(root: String) -> String { output ?? root + "/tokenizer" }

    /// The trainer's options for this section.
    public var trainerOptions: BPETrainer.Options {
        BPETrainer.Options(vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specialTokens,
                           preset: preset, fullByteAlphabet: true)
    }
}
