import Tokenization

/// The tokenizer half of a PLM GGUF file: the byte-level BPE vocabulary and merges, which of our
/// split presets llama.cpp must split text by (`tokenizer.ggml.pre`), the role tokens and the chat
/// template. What llama.cpp reads is exactly what our encoder runs: special tokens are control tokens
/// (type 3, matched only when special tokens are parsed), other added tokens user-defined (type 4,
/// always matched), ids past the tokenizer's vocabulary up to the embedding's rows unused (type 5).
public struct GGUFTokenizer: Sendable, Equatable {
    public var model: BPEModel
    public var preset: SplitPreset
    public var chatTemplate: String?
    /// nil: the tokenizer has no beginning-of-text token (ours has none).
    public var bosTokenId: Int?
    public var eosTokenId: Int?
    public var padTokenId: Int?
    /// Whether encoding puts the BOS token first (ours: no).
    public var addBOS: Bool
    /// Ids inside `model.tokens` that the file marks unused (holes a converter filled).
    public var unusedTokenIds: Set<Int>

    public init(model: BPEModel, preset: SplitPreset, chatTemplate: String?, bosTokenId: Int?, eosTokenId: Int?,
                padTokenId: Int?, addBOS: Bool = false, unusedTokenIds: Set<Int> = []) {
        self.model = model
        self.preset = preset
        self.chatTemplate = chatTemplate
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.padTokenId = padTokenId
        self.addBOS = addBOS
        self.unusedTokenIds = unusedTokenIds
    }

    /// From a tokenizer as `tokenizer.json` + `tokenizer_config.json` hold it; the role tokens named by
    /// the config must be tokens of the model.
    public init(model: BPEModel, config: TokenizerConfigFile) throws(TokenizerError) {
        guard let preset = SplitPreset(pattern: model.splitPattern) else {
            throw .unsupported(field: "pre_tokenizer.pattern", detail: "\(model.splitPattern.debugDescription) is none "
                + "of the gpt2, llama3, qwen2 patterns, which are the ones llama.cpp and this engine both split by")
        }
        func id(_ content: String?, _ field: String) throws(TokenizerError) -> Int? {
            guard let content else { return nil }
            if let added = model.addedTokens.first(where: { $0.content == content }) { return added.id }
            if let index = model.tokens.firstIndex(of: content) { return index }
            throw .invalid(field: "tokenizer_config.json " + field, detail: "\(content.debugDescription) is not a token")
        }
        self.init(model: model, preset: preset, chatTemplate: config.chatTemplate,
                  bosTokenId: try id(config.bosToken, "bos_token"), eosTokenId: try id(config.eosToken, "eos_token"),
                  padTokenId: try id(config.padToken, "pad_token"))
    }

    /// The role tokens and template as `tokenizer_config.json` would state them.
    public func config(modelMaxLength: Int) -> TokenizerConfigFile {
        func content(_ id: Int?) -> String? { id.flatMap { $0 < model.tokens.count ? model.tokens[$0] : nil } }
        return TokenizerConfigFile(bosToken: content(bosTokenId), eosToken: content(eosTokenId),
                                   padToken: content(padTokenId), modelMaxLength: modelMaxLength,
                                   chatTemplate: chatTemplate)
    }

    /// Where llama.cpp, reading this tokenizer from GGUF, may tokenize otherwise than our encoder does
    /// with the tokenizer.json it came from (empty for the tokenizers we train).
    public var llamaCppCaveats: [String] {
        var notes: [String] = []
        if model.normalizer == .nfc {
            notes.append("the tokenizer NFC-normalizes text, which GGUF cannot record: llama.cpp (and this file read "
                + "back) tokenizes text as given, the same ids only for text already in NFC")
        }
        if preset == .llama3 && !model.ignoreMerges {
            notes.append("under 'llama-bpe' llama.cpp takes a piece that is itself a token without merging; a "
                + "vocabulary trained by merges gives that token anyway, an imported one might not")
        }
        return notes
    }

    // MARK: Writing

    /// The `tokenizer.*` metadata for an embedding of `vocabularySize` rows.
    public func metadata(vocabularySize: Int) throws(TokenizerError) -> [(String, GGUFValue)] {
        let count = model.tokens.count
        guard count <= vocabularySize else {
            throw .invalid(field: "model.vocab", detail: "the tokenizer has \(count) tokens, the model's embedding only "
                + "\(vocabularySize) rows")
        }
        var tokens = model.tokens
        var types = [Int32](repeating: GGUFTokenType.normal.rawValue, count: count)
        for token in model.addedTokens {
            guard (0..<count).contains(token.id) else {
                throw .invalid(field: "added_tokens", detail: "id \(token.id) of \(token.content.debugDescription) is "
                    + "outside the vocabulary of \(count)")
            }
            types[token.id] = (token.special ? GGUFTokenType.control : GGUFTokenType.userDefined).rawValue
            // llama.cpp matches added tokens by the text it stores; ours is the literal content.
            tokens[token.id] = token.content
        }
        for id in unusedTokenIds where id < count { types[id] = GGUFTokenType.unused.rawValue }
        // Rows the tokenizer never produces, named as llama.cpp's converter names vocabulary holes.
        for id in count..<vocabularySize {
            tokens.append("[PAD\(id)]")
            types.append(GGUFTokenType.unused.rawValue)
        }
        if let duplicate = Self.firstDuplicate(tokens) {
            // llama.cpp maps token text to id and asserts the map is as long as the list.
            throw .invalid(field: "model.vocab", detail: "token \(tokens[duplicate].debugDescription) (id \(duplicate)) "
                + "appears twice; llama.cpp needs every token text once")
        }
        var entries: [(String, GGUFValue)] = [
            (PLMGGUFKey.tokenizerModel, .string(PLMGGUFKey.tokenizerModelName)),
            (PLMGGUFKey.tokenizerPre, .string(preset.llamaCppPreName)),
            (PLMGGUFKey.tokens, .array(.string(tokens))),
            (PLMGGUFKey.tokenTypes, .array(.int32(types))),
            (PLMGGUFKey.merges, .array(.string(model.merges.map { $0.left + " " + $0.right }))),
        ]
        // llama.cpp's gpt2 vocabularies default the BOS id to 11, an ordinary token here, and no key can
        // unset it; without a BOS of our own the end-of-text token stands in (as Qwen2's files do), and
        // add_bos_token false keeps it from ever being added.
        if let bos = bosTokenId ?? eosTokenId { entries.append((PLMGGUFKey.bosID, .uint32(UInt32(bos)))) }
        if let eos = eosTokenId { entries.append((PLMGGUFKey.eosID, .uint32(UInt32(eos)))) }
        if let pad = padTokenId { entries.append((PLMGGUFKey.padID, .uint32(UInt32(pad)))) }
        entries.append((PLMGGUFKey.addBOS, .bool(addBOS)))
        entries.append((PLMGGUFKey.addEOS, .bool(false)))
        if let chatTemplate { entries.append((PLMGGUFKey.chatTemplate, .string(chatTemplate))) }
        return entries
    }

    /// The id of the first token whose text an earlier id already has.
    static func firstDuplicate(_ tokens: [String]) -> Int? {
        var seen = Set<String>(minimumCapacity: tokens.count)
        return tokens.indices.first { !seen.insert(tokens[$0]).inserted }
    }
}
