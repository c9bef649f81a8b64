import Foundation

extension TokenizerConfigFile {
    /// Reads `tokenizer_config.json` as transformers writes it. Role tokens may be plain strings or
    /// AddedToken objects (`{"content": ...}`); the chat template may be a string or a list of named
    /// templates (the one named "default" is taken, else the first). A `model_max_length` that is not a
    /// number in Int range (transformers writes 1e30 for "no limit") reads as 0, meaning no limit.
    public static func read(path: String) throws(TokenizerError) -> TokenizerConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, detail: "no such file, or not readable")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let top = object as? [String: Any] else {
            throw .unreadable(path: path, detail: "not a JSON object")
        }
        func token(_ key: String) throws(TokenizerError) -> String? {
            switch top[key] {
            case nil, is NSNull: return nil
            case let text as String: return text
            case let added as [String: Any]:
                guard let content = added["content"] as? String else {
                    throw .invalid(field: key, detail: "an object without a string 'content' (\(path))")
                }
                return content
            default: throw .invalid(field: key, detail: "neither a string nor an AddedToken object (\(path))")
            }
        }
        var template: String?
        switch top["chat_template"] {
        case nil, is NSNull: template = nil
        case let text as String: template = text
        case let named as [[String: Any]]:
            let chosen = named.first { $0["name"] as? String == "default" } ?? named.first
            template = chosen?["template"] as? String
        default: throw .invalid(field: "chat_template", detail: "neither a string nor a list of templates (\(path))")
        }
        var length = 0
        if let number = top["model_max_length"] as? NSNumber, number.doubleValue >= 1,
           number.doubleValue < Double(Int32.max) {
            length = number.intValue
        }
        return TokenizerConfigFile(bosToken: try token("bos_token"), eosToken: try token("eos_token"),
                                   padToken: try token("pad_token"), modelMaxLength: length, chatTemplate: template)
    }
}
