import Foundation

/// Reads a byte-level BPE `tokenizer.json` (ours, or a Qwen2 / Llama 3 / GPT-2 style file) into a
/// `BPEModel`, refusing with the field named anything that would tokenize differently from what the
/// encoder implements.
public enum TokenizerFileReader {
    /// Reads `path`: a `tokenizer.json` file, or a folder that holds one.
    public static func read(path: String) throws(TokenizerError) -> BPEModel {
        var file = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = (path as NSString).appendingPathComponent("tokenizer.json")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw .unreadable(path: file, detail: error.localizedDescription)
        }
        return try parse(data, path: file)
    }

    /// Parses the contents of a `tokenizer.json`; `path` only names the source in errors.
    public static func parse(_ data: Data, path: String = "tokenizer.json") throws(TokenizerError) -> BPEModel {
        let schema: TokenizerFileSchema
        do {
            schema = try JSONDecoder().decode(TokenizerFileSchema.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let location = syntaxErrorLocation(data) {
                throw .unreadable(path: path, detail: "not valid JSON at \(location)")
            }
            throw describe(error, path: path)
        } catch {
            throw .unreadable(path: path, detail: "\(error)")
        }
        return try model(from: schema)
    }

    static func model(from schema: TokenizerFileSchema) throws(TokenizerError) -> BPEModel {
        let modelEntry = schema.model
        if let type = modelEntry.type, type != "BPE" {
            throw .unsupported(field: "model.type", detail: "\(type.debugDescription); only \"BPE\" is implemented")
        }
        if let dropout = modelEntry.dropout, dropout != 0 {
            throw .unsupported(field: "model.dropout", detail: "\(dropout); BPE dropout is not implemented")
        }
        if let prefix = modelEntry.continuingSubwordPrefix, !prefix.isEmpty {
            throw .unsupported(field: "model.continuing_subword_prefix", detail: "\(prefix.debugDescription); byte-level BPE uses none")
        }
        if let suffix = modelEntry.endOfWordSuffix, !suffix.isEmpty {
            throw .unsupported(field: "model.end_of_word_suffix", detail: "\(suffix.debugDescription); byte-level BPE uses none")
        }
        if modelEntry.byteFallback == true {
            throw .unsupported(field: "model.byte_fallback", detail: "true; byte-level BPE needs no byte fallback")
        }
        let pattern = try splitPattern(schema.preTokenizer)
        let normalizer = try textNormalizer(schema.normalizer, field: "normalizer")

        // Ids: the model's vocabulary, then added tokens outside it; together they must be dense.
        var tokenOfID = [String?](repeating: nil, count: modelEntry.vocab.count)
        for (token, id) in modelEntry.vocab {
            guard id >= 0, id < tokenOfID.count else {
                throw .invalid(field: "model.vocab", detail: "id \(id) of \(token.debugDescription) is not in 0..<\(tokenOfID.count) (ids must be dense)")
            }
            if let other = tokenOfID[id] {
                throw .invalid(field: "model.vocab", detail: "id \(id) is given to both \(other.debugDescription) and \(token.debugDescription)")
            }
            tokenOfID[id] = token
        }
        let baseCount = tokenOfID.count
        var addedTokens: [AddedToken] = []
        for (index, entry) in (schema.addedTokens ?? []).enumerated() {
            let field = "added_tokens[\(index)]"
            guard entry.id >= 0 else { throw .invalid(field: field + ".id", detail: "negative id \(entry.id)") }
            if entry.id < baseCount {
                if modelEntry.vocab[entry.content] != entry.id, tokenOfID[entry.id] != entry.content {
                    throw .invalid(field: field, detail: "\(entry.content.debugDescription) has id \(entry.id), which model.vocab gives to \(tokenOfID[entry.id].debugDescription)")
                }
            } else {
                while tokenOfID.count <= entry.id { tokenOfID.append(nil) }
                if let other = tokenOfID[entry.id] {
                    throw .invalid(field: field + ".id", detail: "id \(entry.id) is given to both \(other.debugDescription) and \(entry.content.debugDescription)")
                }
                tokenOfID[entry.id] = entry.content
            }
            addedTokens.append(AddedToken(id: entry.id, content: entry.content, singleWord: entry.singleWord ?? false,
                                          lstrip: entry.lstrip ?? false, rstrip: entry.rstrip ?? false,
                                          normalized: entry.normalized ?? !(entry.special ?? false),
                                          special: entry.special ?? false))
        }
        if let hole = tokenOfID.firstIndex(where: { $0 == nil }) {
            throw .invalid(field: "added_tokens", detail: "no token has id \(hole) (ids must be dense up to \(tokenOfID.count - 1))")
        }
        addedTokens.sort { $0.id < $1.id }
        let merges = modelEntry.merges.map { BPEModel.Merge($0.left, $0.right) }
        var model = BPEModel(tokens: tokenOfID.map { $0! }, merges: merges, addedTokens: addedTokens,
                             splitPattern: pattern, normalizer: normalizer, ignoreMerges: modelEntry.ignoreMerges ?? false)
        model.baseVocabularySize = baseCount < tokenOfID.count ? baseCount : nil
        return model
    }

    /// The split regex of a recognised byte-level pre-tokenizer: `Sequence[Split(regex, Isolated),
    /// ByteLevel(use_regex: false)]`, or a lone `ByteLevel(use_regex: true)` (GPT-2's own regex).
    private static func splitPattern(_ entry: TokenizerFileSchema.PreTokenizerEntry?) throws(TokenizerError) -> String {
        guard let entry else {
            throw .unsupported(field: "pre_tokenizer", detail: "null; byte-level BPE needs a ByteLevel pre-tokenizer")
        }
        switch entry.type {
        case "ByteLevel":
            try checkByteLevel(entry, field: "pre_tokenizer", useRegex: true)
            return SplitPreset.gpt2.pattern
        case "Sequence":
            let steps = entry.pretokenizers ?? []
            guard steps.count == 2, steps[0].type == "Split", steps[1].type == "ByteLevel" else {
                throw .unsupported(field: "pre_tokenizer.pretokenizers",
                                   detail: "\(steps.map(\.type)); expected [Split, ByteLevel]")
            }
            let split = steps[0]
            guard let regex = split.pattern?.regex else {
                throw .unsupported(field: "pre_tokenizer.pretokenizers[0].pattern", detail: "only a Regex pattern is implemented")
            }
            guard SplitPreset(pattern: regex) != nil else {
                throw .unsupported(field: "pre_tokenizer.pretokenizers[0].pattern.Regex",
                                   detail: "\(regex.debugDescription) is none of the gpt2, llama3, qwen2 patterns")
            }
            guard split.behavior == "Isolated", split.invert != true else {
                throw .unsupported(field: "pre_tokenizer.pretokenizers[0]",
                                   detail: "behavior \(split.behavior ?? "null"), invert \(split.invert ?? false); only Isolated, not inverted")
            }
            try checkByteLevel(steps[1], field: "pre_tokenizer.pretokenizers[1]", useRegex: false)
            return regex
        default:
            throw .unsupported(field: "pre_tokenizer.type", detail: "\(entry.type.debugDescription); expected Sequence or ByteLevel")
        }
    }

    private static func checkByteLevel(_ entry: TokenizerFileSchema.PreTokenizerEntry, field: String,
                                       useRegex: Bool) throws(TokenizerError) {
        if entry.addPrefixSpace == true {
            throw .unsupported(field: field + ".add_prefix_space", detail: "true is not implemented")
        }
        if (entry.useRegex ?? true) != useRegex {
            throw .unsupported(field: field + ".use_regex", detail: "\(!useRegex) is not implemented here")
        }
    }

    private static func textNormalizer(_ entry: TokenizerFileSchema.NormalizerEntry?, field: String) throws(TokenizerError) -> TextNormalizer {
        guard let entry else { return .none }
        switch entry.type {
        case "NFC":
            return .nfc
        case "Sequence":
            let steps = entry.normalizers ?? []
            if steps.isEmpty { return .none }
            if steps.count == 1 { return try textNormalizer(steps[0], field: field + ".normalizers[0]") }
            throw .unsupported(field: field + ".normalizers", detail: "\(steps.map(\.type)); only a single NFC is implemented")
        default:
            throw .unsupported(field: field + ".type", detail: "\(entry.type.debugDescription); only NFC is implemented")
        }
    }

    /// Where the JSON syntax breaks, as "line L, column C (byte B)": Foundation's JSONSerialization
    /// reports the character offset ("around character 62") that JSONDecoder's error leaves out.
    static func syntaxErrorLocation(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return nil
        } catch {
            let text = "\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? "")"
            guard let range = text.range(of: "character "),
                  let offset = Int(text[range.upperBound...].prefix { $0.isNumber }) else { return nil }
            var line = 1, column = 1
            for byte in data.prefix(offset) {
                if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            return "line \(line), column \(column) (byte \(offset))"
        }
    }

    /// A DecodingError as the field it is about ("model.merges[3]").
    private static func describe(_ error: DecodingError, path: String) -> TokenizerError {
        func field(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "(top level)" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .missingField(field: field(context.codingPath + [key]))
        case .valueNotFound(let type, let context):
            return .invalid(field: field(context.codingPath), detail: "null where \(type) is expected")
        case .typeMismatch(let type, let context):
            return .invalid(field: field(context.codingPath), detail: "expected \(type): \(context.debugDescription)")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .unreadable(path: path, detail: "not valid JSON: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)")
            }
            return .invalid(field: field(context.codingPath), detail: context.debugDescription)
        @unknown default:
            return .unreadable(path: path, detail: "\(error)")
        }
    }
}
