import Foundation
import Tokenization

/// Reads the parts of a `tokenizer_config.json` a GGUF file carries: the role tokens and the chat
/// template. Role tokens may be written as strings or as Hugging Face's AddedToken objects
/// (`{"content": ...}`); a template may be a string or a list of named templates (the "default" one,
/// else the first, is taken).
enum TokenizerConfigReading {
    static func read(path: String) throws(TokenizerError) -> TokenizerConfigFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, detail: error.localizedDescription)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let top = object as? [String: Any] else {
            throw .unreadable(path: path, detail: "not a JSON object")
        }
        func token(_ field: String) throws(TokenizerError) -> String? {
            switch top[field] {
            case nil, is NSNull: return nil
            case let text as String: return text
            case let entry as [String: Any]:
                guard let content = entry["content"] as? String else {
                    throw .invalid(field: field, detail: "an object without a string `content`")
                }
                return content
            default: throw .invalid(field: field, detail: "neither a string, an object nor null")
            }
        }
        var template: String?
        switch top["chat_template"] {
        case nil, is NSNull: template = nil
        case let text as String: template = text
        case let list as [[String: Any]]:
            let chosen = list.first { $0["name"] as? String == "default" } ?? list.first
            template = chosen?["template"] as? String
        default: throw .invalid(field: "chat_template", detail: "neither a string nor a list of named templates")
        }
        let maxLength = (top["model_max_length"] as? NSNumber).map { min($0.doubleValue, Double(Int32.max)) }
        return TokenizerConfigFile(bosToken: try token("bos_token"), eosToken: try token("eos_token"),
                                   padToken: try token("pad_token"), modelMaxLength: Int(maxLength ?? 2048),
                                   chatTemplate: template)
    }

    /// What our tokenizer folders say when a folder has no config: `<|endoftext|>` (else the first
    /// special token) ends text and pads, no BOS, ChatML when both of its markers are special tokens.
    static func defaults(for model: BPEModel) -> TokenizerConfigFile {
        let specials = model.addedTokens.filter(\.special).map(\.content)
        let end = specials.contains("<|endoftext|>") ? "<|endoftext|>" : specials.first
        let chat = specials.contains("<|im_start|>") && specials.contains("<|im_end|>")
        return TokenizerConfigFile(bosToken: nil, eosToken: end, padToken: end,
                                   chatTemplate: chat ? TokenizerConfigFile.chatMLTemplate : nil)
    }
}
