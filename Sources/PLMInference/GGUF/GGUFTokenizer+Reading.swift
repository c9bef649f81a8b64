import Tokenization

extension GGUFTokenizer {
    /// Reads the `tokenizer.*` metadata of `file` as llama.cpp would use it, refusing what this engine
    /// cannot tokenize identically: another tokenizer model, a pre-tokenizer name we have no preset
    /// for, token types other than normal / control / user-defined / unused, malformed merges, role ids
    /// outside the vocabulary. Errors name the key and where its entry starts.
    ///
    /// Unused ids at the end of the list (the converter's `[PADn]` rows) are left out of `model`, so a
    /// tokenizer written and read back is the one written.
    public init(file: GGUFFile) throws(GGUFError) {
        let reader = GGUFMetadataReader(file: file)
        let modelName = try reader.string(PLMGGUFKey.tokenizerModel)
        guard modelName == PLMGGUFKey.tokenizerModelName else {
            throw reader.error(PLMGGUFKey.tokenizerModel, "is '\(modelName)'; this engine runs byte-level BPE ('gpt2')")
        }
        let pre = try reader.string(PLMGGUFKey.tokenizerPre)
        guard let preset = SplitPreset(llamaCppPreName: pre) else {
            throw reader.error(PLMGGUFKey.tokenizerPre, "pre-tokenizer '\(pre)' is not one this engine implements "
                + "(qwen2, llama-bpe, gpt-2)")
        }
        let tokens = try reader.strings(PLMGGUFKey.tokens)
        guard !tokens.isEmpty else { throw reader.error(PLMGGUFKey.tokens, "is empty") }
        if let duplicate = Self.firstDuplicate(tokens) {
            throw reader.error(PLMGGUFKey.tokens, "token \(tokens[duplicate].debugDescription) (id \(duplicate)) "
                + "appears twice (llama.cpp refuses such a vocabulary)")
        }
        var types = [Int32](repeating: GGUFTokenType.normal.rawValue, count: tokens.count)
        if file.metadata[PLMGGUFKey.tokenTypes] != nil {
            types = try reader.int32s(PLMGGUFKey.tokenTypes)
            guard types.count == tokens.count else {
                throw reader.error(PLMGGUFKey.tokenTypes, "has \(types.count) entries for \(tokens.count) tokens")
            }
        }
        var addedTokens: [AddedToken] = []
        var unused: [Int] = []
        for (id, raw) in types.enumerated() {
            switch GGUFTokenType(rawValue: raw) {
            case .normal: continue
            case .control: addedTokens.append(AddedToken(id: id, content: tokens[id], normalized: false, special: true))
            case .userDefined: addedTokens.append(AddedToken(id: id, content: tokens[id], normalized: false, special: false))
            case .unused: unused.append(id)
            default:
                throw reader.error(PLMGGUFKey.tokenTypes, "token \(id) \(tokens[id].debugDescription) has type \(raw); "
                    + "a byte-level BPE vocabulary has only normal (1), control (3), user-defined (4) and unused (5)")
            }
        }
        var kept = tokens.count
        while let last = unused.last, last == kept - 1 {
            unused.removeLast()
            kept -= 1
        }
        let merges = try Self.merges(try reader.strings(PLMGGUFKey.merges), reader: reader)
        var model = BPEModel(tokens: Array(tokens.prefix(kept)), merges: merges, addedTokens: addedTokens,
                             splitPattern: preset.pattern, normalizer: .none,
                             ignoreMerges: preset.llamaCppIgnoresMerges)
        model.baseVocabularySize = nil
        do { _ = try BPETokenizer(model: model) } catch {
            throw reader.error(PLMGGUFKey.merges, "the vocabulary and merges do not make a tokenizer: \(error)")
        }

        let bos = try reader.tokenID(PLMGGUFKey.bosID, count: tokens.count)
        let eos = try reader.tokenID(PLMGGUFKey.eosID, count: tokens.count)
        let pad = try reader.tokenID(PLMGGUFKey.padID, count: tokens.count)
        // Absent, llama.cpp adds a BOS for the Llama 3 names and not for the others.
        let addBOS = try reader.optionalBool(PLMGGUFKey.addBOS) ?? preset.llamaCppIgnoresMerges
        self.init(model: model, preset: preset, chatTemplate: try reader.optionalString(PLMGGUFKey.chatTemplate),
                  // The writer lets the end-of-text token stand in for a missing BOS (see `metadata`).
                  bosTokenId: addBOS || bos != eos ? bos : nil, eosTokenId: eos, padTokenId: pad, addBOS: addBOS,
                  unusedTokenIds: Set(unused))
    }

    /// Splits "left right" at the first space after the first character, as llama.cpp does.
    private static func merges(_ lines: [String], reader: GGUFMetadataReader) throws(GGUFError) -> [BPEModel.Merge] {
        var merges: [BPEModel.Merge] = []
        merges.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            let utf8 = Array(line.utf8)
            guard let space = utf8.dropFirst().firstIndex(of: UInt8(ascii: " ")), space + 1 < utf8.count else {
                throw reader.error(PLMGGUFKey.merges, "merge \(index) \(line.debugDescription) is not two tokens "
                    + "separated by a space")
            }
            let left = String(decoding: utf8[..<space], as: UTF8.self)
            let right = String(decoding: utf8[(space + 1)...], as: UTF8.self)
            merges.append(BPEModel.Merge(left, right))
        }
        return merges
    }
}

/// Typed access to metadata with errors that name the key and the byte where its entry starts.
struct GGUFMetadataReader {
    let file: GGUFFile

    func error(_ key: String, _ message: String) -> GGUFError {
        GGUFError.key(key, path: file.path, offset: file.metadataOffsets[key], message)
    }

    func value(_ key: String) throws(GGUFError) -> GGUFValue {
        guard let value = file.metadata[key] else {
            throw GGUFError.key(key, path: file.path, "is missing")
        }
        return value
    }

    func string(_ key: String) throws(GGUFError) -> String {
        let value = try value(key)
        guard let text = value.stringValue else { throw error(key, "is a \(value.type), expected a string") }
        return text
    }

    func optionalString(_ key: String) throws(GGUFError) -> String? {
        file.metadata[key] == nil ? nil : try string(key)
    }

    func optionalBool(_ key: String) throws(GGUFError) -> Bool? {
        guard let value = file.metadata[key] else { return nil }
        guard let flag = value.boolValue else { throw error(key, "is a \(value.type), expected a bool") }
        return flag
    }

    /// An integer of any width, within `range`.
    func integer(_ key: String, in range: ClosedRange<Int> = 1...Int(Int32.max)) throws(GGUFError) -> Int {
        let value = try value(key)
        guard let number = value.intValue else { throw error(key, "is a \(value.type), expected an integer") }
        guard range.contains(number) else { throw error(key, "is \(number), outside \(range)") }
        return number
    }

    func float(_ key: String) throws(GGUFError) -> Double {
        let value = try value(key)
        guard let number = value.doubleValue else { throw error(key, "is a \(value.type), expected a float") }
        return number
    }

    func strings(_ key: String) throws(GGUFError) -> [String] {
        let value = try value(key)
        guard let list = value.arrayValue?.strings else { throw error(key, "is \(value.summary), expected strings") }
        return list
    }

    func int32s(_ key: String) throws(GGUFError) -> [Int32] {
        let value = try value(key)
        guard let list = value.arrayValue?.int32s else { throw error(key, "is \(value.summary), expected int32s") }
        return list
    }

    func tokenID(_ key: String, count: Int) throws(GGUFError) -> Int? {
        guard file.metadata[key] != nil else { return nil }
        return try integer(key, in: 0...max(0, count - 1))
    }
}
