/// A token added on top of the BPE vocabulary (special tokens such as `<|endoftext|>`), with the
/// seven fields `tokenizer.json` gives every entry of `added_tokens`.
public struct AddedToken: Sendable, Equatable, Hashable {
    public var id: Int
    public var content: String
    public var singleWord: Bool
    public var lstrip: Bool
    public var rstrip: Bool
    public var normalized: Bool
    public var special: Bool

    public init(id: Int, content: String, singleWord: Bool = false, lstrip: Bool = false, rstrip: Bool = false,
                normalized: Bool = false, special: Bool = true) {
        self.id = id
        self.content = content
        self.singleWord = singleWord
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.normalized = normalized
        self.special = special
    }
}

/// Normalisation applied to text before pre-tokenization.
public enum TextNormalizer: String, Sendable, Equatable {
    case none
    /// Unicode NFC (Qwen2-style tokenizer files).
    case nfc
}

/// A byte-level BPE tokenizer as data: what the trainer produces and what `tokenizer.json` holds.
/// The trainer, the JSON reader/writer and the encoder all meet at this type.
public struct BPEModel: Sendable, Equatable {
    /// Token strings in byte-level form (`ByteLevel`), indexed by id. Added tokens appear here too,
    /// at their ids, in their literal form. Ids are dense: `tokens.count` is the vocab size.
    public var tokens: [String]
    /// Merge rules in priority order (rank = index), as the two token strings merged.
    public var merges: [Merge]
    /// Special and other added tokens, in id order.
    public var addedTokens: [AddedToken]
    /// The pre-tokenizer's split regex, exactly as written in `tokenizer.json`.
    public var splitPattern: String
    public var normalizer: TextNormalizer
    /// Hugging Face's `ignore_merges` (Llama 3 files set it): a piece that is itself in the vocabulary
    /// becomes that token without merging.
    public var ignoreMerges: Bool
    /// How many ids `model.vocab` in `tokenizer.json` holds, when added tokens sit after it (tokens
    /// added to an existing vocabulary, as in Qwen2 and Llama 3 files); nil when every token is in it
    /// (what training writes: special tokens first, inside the vocabulary).
    public var baseVocabularySize: Int? = nil

    public struct Merge: Sendable, Equatable, Hashable {
        public var left: String
        public var right: String
        public init(_ left: String, _ right: String) {
            self.left = left
            self.right = right
        }
    }

    public init(tokens: [String], merges: [Merge], addedTokens: [AddedToken], splitPattern: String,
                normalizer: TextNormalizer = .none, ignoreMerges: Bool = false) {
        self.tokens = tokens
        self.merges = merges
        self.addedTokens = addedTokens
        self.splitPattern = splitPattern
        self.normalizer = normalizer
        self.ignoreMerges = ignoreMerges
    }

    public var vocabSize: Int { tokens.count }
}
