import Foundation

/// Writes a `BPEModel` as `tokenizer.json` and its `tokenizer_config.json` (FORMATS.md section 2),
/// with the keys in the order Hugging Face writes them, so that tokenizers, transformers and
/// swift-transformers load the folder.
public enum TokenizerFileWriter {
    /// The `tokenizer.json` text (no trailing newline, as tokenizers' `save` writes it).
    public static func tokenizerJSON(_ model: BPEModel) -> String {
        let byteLevelPreTokenizer: PrettyJSON = .object([
            ("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)), ("trim_offsets", .bool(true)),
            ("use_regex", .bool(false)),
        ])
        let split: PrettyJSON = .object([
            ("type", .string("Split")), ("pattern", .object([("Regex", .string(model.splitPattern))])),
            ("behavior", .string("Isolated")), ("invert", .bool(false)),
        ])
        let baseCount = model.baseVocabularySize ?? model.tokens.count
        let vocab = PrettyJSON.object(model.tokens.prefix(baseCount).enumerated().map { ($0.element, .int($0.offset)) })
        let merges = PrettyJSON.array(model.merges.map { .array([.string($0.left), .string($0.right)]) })
        let document: PrettyJSON = .object([
            ("version", .string("1.0")),
            ("truncation", .null),
            ("padding", .null),
            ("added_tokens", .array(model.addedTokens.sorted { $0.id < $1.id }.map(addedTokenEntry))),
            ("normalizer", model.normalizer == .nfc ? .object([("type", .string("NFC"))]) : .null),
            ("pre_tokenizer", .object([("type", .string("Sequence")), ("pretokenizers", .array([split, byteLevelPreTokenizer]))])),
            ("post_processor", .object([
                ("type", .string("ByteLevel")), ("add_prefix_space", .bool(true)), ("trim_offsets", .bool(false)),
                ("use_regex", .bool(true)),
            ])),
            ("decoder", .object([
                ("type", .string("ByteLevel")), ("add_prefix_space", .bool(true)), ("trim_offsets", .bool(true)),
                ("use_regex", .bool(true)),
            ])),
            ("model", .object([
                ("type", .string("BPE")),
                ("dropout", .null),
                ("unk_token", .null),
                ("continuing_subword_prefix", .null),
                ("end_of_word_suffix", .null),
                ("fuse_unk", .bool(false)),
                ("byte_fallback", .bool(false)),
                ("ignore_merges", .bool(model.ignoreMerges)),
                ("vocab", vocab),
                ("merges", merges),
            ])),
        ])
        return document.text
    }

    /// The `tokenizer_config.json` text, as transformers' `save_pretrained` lays it out (keys sorted,
    /// trailing newline).
    public static func configJSON(_ model: BPEModel, config: TokenizerConfigFile) -> String {
        let decoder = PrettyJSON.object(model.addedTokens.sorted { $0.id < $1.id }.map { token in
            (String(token.id), .object([
                ("content", .string(token.content)), ("lstrip", .bool(token.lstrip)),
                ("normalized", .bool(token.normalized)), ("rstrip", .bool(token.rstrip)),
                ("single_word", .bool(token.singleWord)), ("special", .bool(token.special)),
            ]))
        })
        let named = Set([config.bosToken, config.eosToken, config.padToken].compactMap { $0 })
        let additional = model.addedTokens.filter { $0.special && !named.contains($0.content) }
            .sorted { $0.id < $1.id }.map { PrettyJSON.string($0.content) }
        var members: [(String, PrettyJSON)] = [
            ("add_prefix_space", .bool(false)),
            ("added_tokens_decoder", decoder),
            ("additional_special_tokens", .array(additional)),
            ("bos_token", .optionalString(config.bosToken)),
        ]
        if let template = config.chatTemplate { members.append(("chat_template", .string(template))) }
        members += [
            ("clean_up_tokenization_spaces", .bool(false)),
            ("eos_token", .optionalString(config.eosToken)),
            ("model_max_length", .int(config.modelMaxLength)),
            ("pad_token", .optionalString(config.padToken)),
            ("split_special_tokens", .bool(false)),
            ("tokenizer_class", .string("PreTrainedTokenizerFast")),
        ]
        return PrettyJSON.object(members).text + "\n"
    }

    /// Writes both files into `directory` (created if needed), each atomically.
    public static func write(_ model: BPEModel, config: TokenizerConfigFile, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let folder = URL(fileURLWithPath: directory)
        try Data(tokenizerJSON(model).utf8).write(to: folder.appendingPathComponent("tokenizer.json"), options: .atomic)
        try Data(configJSON(model, config: config).utf8)
            .write(to: folder.appendingPathComponent("tokenizer_config.json"), options: .atomic)
    }

    private static func addedTokenEntry(_ token: AddedToken) -> PrettyJSON {
        .object([
            ("id", .int(token.id)), ("content", .string(token.content)), ("single_word", .bool(token.singleWord)),
            ("lstrip", .bool(token.lstrip)), ("rstrip", .bool(token.rstrip)), ("normalized", .bool(token.normalized)),
            ("special", .bool(token.special)),
        ])
    }
}

/// What `tokenizer_config.json` says beyond the vocabulary: the role tokens, the context length and
/// the chat template.
public struct TokenizerConfigFile: Sendable, Equatable {
    public var bosToken: String?
    public var eosToken: String?
    public var padToken: String?
    public var modelMaxLength: Int
    public var chatTemplate: String?

    /// ChatML: `<|im_start|>role\ncontent<|im_end|>\n` per message, and an open assistant turn when
    /// a generation prompt is asked for.
    public static let chatMLTemplate = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
        + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
        + "{{ '<|im_start|>assistant\\n' }}{% endif %}"

    public init(bosToken: String? = nil, eosToken: String? = "<|endoftext|>", padToken: String? = "<|endoftext|>",
                modelMaxLength: Int = 2048, chatTemplate: String? = TokenizerConfigFile.chatMLTemplate) {
        self.bosToken = bosToken
        self.eosToken = eosToken
        self.padToken = padToken
        self.modelMaxLength = modelMaxLength
        self.chatTemplate = chatTemplate
    }
}
