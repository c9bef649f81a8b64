import Tokenization

/// The metadata keys of a PLM GGUF file, as llama.cpp's `plm` loader reads them (src/llama-arch.cpp,
/// src/models/plm.cpp, src/llama-vocab.cpp; gguf-py/gguf/constants.py).
public enum PLMGGUFKey {
    public static let architecture = "general.architecture"
    public static let type = "general.type"
    public static let name = "general.name"
    public static let fileType = "general.file_type"
    public static let quantizationVersion = "general.quantization_version"
    public static let alignment = "general.alignment"

    public static let vocabSize = "plm.vocab_size"
    public static let contextLength = "plm.context_length"
    public static let embeddingLength = "plm.embedding_length"
    public static let blockCount = "plm.block_count"
    public static let feedForwardLength = "plm.feed_forward_length"
    public static let headCount = "plm.attention.head_count"
    public static let headCountKV = "plm.attention.head_count_kv"
    public static let rmsEpsilon = "plm.attention.layer_norm_rms_epsilon"
    public static let kvLoraRank = "plm.attention.kv_lora_rank"
    /// nope + rope: llama.cpp's n_embd_head_k; the nope part is this minus the rope dimensions.
    public static let keyLength = "plm.attention.key_length"
    public static let valueLength = "plm.attention.value_length"
    public static let ropeDimensions = "plm.rope.dimension_count"
    public static let ropeFreqBase = "plm.rope.freq_base"

    public static let tokenizerModel = "tokenizer.ggml.model"
    public static let tokenizerPre = "tokenizer.ggml.pre"
    public static let tokens = "tokenizer.ggml.tokens"
    public static let tokenTypes = "tokenizer.ggml.token_type"
    public static let merges = "tokenizer.ggml.merges"
    public static let bosID = "tokenizer.ggml.bos_token_id"
    public static let eosID = "tokenizer.ggml.eos_token_id"
    public static let padID = "tokenizer.ggml.padding_token_id"
    public static let addBOS = "tokenizer.ggml.add_bos_token"
    public static let addEOS = "tokenizer.ggml.add_eos_token"
    public static let chatTemplate = "tokenizer.chat_template"

    public static let architectureName = "plm"
    /// Byte-level BPE with merges, in llama.cpp's words.
    public static let tokenizerModelName = "gpt2"
    /// ggml's quantization format version (`GGML_QNT_VERSION`), which llama.cpp's converter always writes.
    public static let quantizationVersionValue: UInt32 = 2
}

/// llama.cpp's token types (`llama_token_type`, gguf-py `TokenType`).
public enum GGUFTokenType: Int32, Sendable, CaseIterable {
    case normal = 1
    case unknown = 2
    /// Special tokens: matched in text only when special tokens are parsed, never produced by merges.
    case control = 3
    /// Added tokens that are not special: always matched in text.
    case userDefined = 4
    /// Ids with no token (vocabulary padding up to the embedding's rows).
    case unused = 5
    case byte = 6
}

/// The whole-file type llama.cpp records in `general.file_type` (`LlamaFileType`): "mostly" because
/// 1-D tensors (norms) stay f32.
public enum GGUFFileType {
    public static func id(for type: WeightType) -> UInt32 {
        switch type {
        case .f32: 0   // ALL_F32
        case .f16: 1   // MOSTLY_F16
        case .q8_0: 7  // MOSTLY_Q8_0
        }
    }

    public static func weightType(id: Int) -> WeightType? {
        WeightType.allCases.first { Int(Self.id(for: $0)) == id }
    }
}

extension SplitPreset {
    /// The `tokenizer.ggml.pre` name under which llama.cpp splits text with this preset's regex.
    /// Checked in llama.cpp's source (src/llama-vocab.cpp, src/unicode.cpp): "qwen2" selects
    /// LLAMA_VOCAB_PRE_TYPE_QWEN2, whose regex is Qwen2's with the case-insensitive contractions
    /// spelled out (`'[sS]|...`), run by the hand-written qwen2 splitter; "llama-bpe" selects
    /// LLAMA_VOCAB_PRE_TYPE_LLAMA3 (same spelling of Llama 3's regex, the llama3 splitter) and turns on
    /// `ignore_merges`; "gpt-2" selects LLAMA_VOCAB_PRE_TYPE_GPT2, whose regex lacks the final `|\s+`
    /// but whose hand-written splitter applies that fallback, so it splits as GPT-2's full regex.
    public var llamaCppPreName: String {
        switch self {
        case .qwen2: "qwen2"
        case .llama3: "llama-bpe"
        case .gpt2: "gpt-2"
        }
    }

    /// The preset for a `tokenizer.ggml.pre` name: ours, and the aliases llama.cpp treats alike.
    public init?(llamaCppPreName name: String) {
        switch name {
        case "qwen2": self = .qwen2
        case "llama-bpe", "llama3", "llama-v3": self = .llama3
        case "gpt-2": self = .gpt2
        default: return nil
        }
    }

    /// Whether llama.cpp ignores merges for pieces already in the vocabulary under this preset's name
    /// (it does for the Llama 3 names).
    public var llamaCppIgnoresMerges: Bool { self == .llama3 }
}
