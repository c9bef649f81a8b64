/// The parts of `tokenizer.json` the reader looks at, as Decodable structs (FORMATS.md section 2).
/// Fields this package does not use (truncation, padding, post_processor, decoder) are not decoded;
/// the ones that change how text is tokenized are decoded and checked by `TokenizerFileReader`.
struct TokenizerFileSchema: Decodable {
    var addedTokens: [AddedTokenEntry]?
    var normalizer: NormalizerEntry?
    var preTokenizer: PreTokenizerEntry?
    var model: ModelEntry

    enum CodingKeys: String, CodingKey {
        case addedTokens = "added_tokens", normalizer, preTokenizer = "pre_tokenizer", model
    }

    struct AddedTokenEntry: Decodable {
        var id: Int
        var content: String
        var singleWord: Bool?
        var lstrip: Bool?
        var rstrip: Bool?
        var normalized: Bool?
        var special: Bool?

        enum CodingKeys: String, CodingKey {
            case id, content, singleWord = "single_word", lstrip, rstrip, normalized, special
        }
    }

    struct NormalizerEntry: Decodable {
        var type: String
        var normalizers: [NormalizerEntry]?
    }

    struct PreTokenizerEntry: Decodable {
        var type: String
        var pretokenizers: [PreTokenizerEntry]?
        var pattern: SplitPattern?
        var behavior: String?
        var invert: Bool?
        var addPrefixSpace: Bool?
        var useRegex: Bool?

        enum CodingKeys: String, CodingKey {
            case type, pretokenizers, pattern, behavior, invert, addPrefixSpace = "add_prefix_space", useRegex = "use_regex"
        }
    }

    /// `{"Regex": "..."}` or `{"String": "..."}`.
    struct SplitPattern: Decodable {
        var regex: String?
        var string: String?

        enum CodingKeys: String, CodingKey {
            case regex = "Regex", string = "String"
        }
    }

    struct ModelEntry: Decodable {
        var type: String?
        var dropout: Double?
        var unkToken: String?
        var continuingSubwordPrefix: String?
        var endOfWordSuffix: String?
        var byteFallback: Bool?
        var ignoreMerges: Bool?
        var vocab: [String: Int]
        var merges: [MergeEntry]

        enum CodingKeys: String, CodingKey {
            case type, dropout, unkToken = "unk_token", continuingSubwordPrefix = "continuing_subword_prefix"
            case endOfWordSuffix = "end_of_word_suffix", byteFallback = "byte_fallback", ignoreMerges = "ignore_merges"
            case vocab, merges
        }
    }

    /// A merge as `["a", "b"]` (tokenizers >= 0.20) or `"a b"` (all versions).
    struct MergeEntry: Decodable {
        var left: String
        var right: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let line = try? container.decode(String.self) {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw DecodingError.dataCorruptedError(
                        in: container, debugDescription: "a merge string must be two tokens separated by one space, got \(line.debugDescription)")
                }
                left = String(parts[0])
                right = String(parts[1])
                return
            }
            let pair = try container.decode([String].self)
            guard pair.count == 2 else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "a merge must be a pair of tokens, got \(pair.count) strings")
            }
            left = pair[0]
            right = pair[1]
        }
    }
}
