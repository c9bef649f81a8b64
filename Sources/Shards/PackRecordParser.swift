import CorpusIO
import Foundation

/// The fields of a pipeline document (JSONL lines with `id`, `source`, `text`, `metadata`) that packing
/// reads. Chat records carry `messages: [{role, content}]`, preference records `prompt`, `chosen`,
/// `rejected` (message lists, or a string for an assistant answer / a user prompt), either at the top
/// level or inside `metadata` (where ingest keeps a record's other fields); of `metadata` only those
/// four keys and `language` (the language filter's, for a phase's language weights) are decoded. Values
/// are kept as written (a present `null` included) so that a wrong shape
/// is reported by `PackRecordParser` with its reason, not lost in a decoding error.
public struct PackRecord: Decodable {
    var id: JSONValue?
    var source: JSONValue?
    var text: JSONValue?
    var chat = ChatFields()
    var metadataChat = ChatFields()
    /// `metadata.language` when it is a string.
    var language: String?

    private struct LanguageField: Decodable {
        var language: String?
    }

    struct ChatFields: Decodable {
        var messages: JSONValue?
        var prompt: JSONValue?
        var chosen: JSONValue?
        var rejected: JSONValue?

        init() {}

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            messages = try container.present(.messages)
            prompt = try container.present(.prompt)
            chosen = try container.present(.chosen)
            rejected = try container.present(.rejected)
        }
    }

    enum Key: String, CodingKey {
        case id, source, text, metadata, messages, prompt, chosen, rejected
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        id = try container.present(.id)
        source = try container.present(.source)
        text = try container.present(.text)
        chat = try ChatFields(from: decoder)
        // A metadata that is not an object holds no chat fields.
        metadataChat = (try? container.decode(ChatFields.self, forKey: .metadata)) ?? ChatFields()
        language = (try? container.decode(LanguageField.self, forKey: .metadata))?.language
    }
}

extension KeyedDecodingContainer where Key == PackRecord.Key {
    /// The value when the key is present, `null` included (as `.null`); nil when absent.
    fileprivate func present(_ key: Key) throws -> JSONValue? {
        contains(key) ? try decode(JSONValue.self, forKey: key) : nil
    }
}

/// Turns pipeline documents into packing input.
public enum PackRecordParser {
    /// Parses one line; a structurally wrong record is returned as a failure with its reason.
    public static func parse(line: Data, defaultSource: String, lineNumber: Int) -> Result<PackDocument, PackRecordError> {
        guard let record = try? JSONDecoder().decode(PackRecord.self, from: line) else {
            return .failure(PackRecordError(id: "line \(lineNumber)", reason: "not a JSON object"))
        }
        return parse(record, defaultSource: defaultSource, lineNumber: lineNumber)
    }

    /// A decoded record as packing input.
    public static func parse(_ record: PackRecord, defaultSource: String,
                             lineNumber: Int) -> Result<PackDocument, PackRecordError> {
        let id = record.id?.stringValue ?? "line \(lineNumber)"
        let source = record.source?.stringValue ?? defaultSource
        let chat = record.chat, metadata = record.metadataChat
        let language = record.language
        do {
            if let messages = chat.messages ?? metadata.messages {
                return .success(PackDocument(id: id, source: source, content: .chat(try parseMessages(messages, key: "messages")),
                                                 language: language))
            }
            if let prompt = chat.prompt ?? metadata.prompt, let chosen = chat.chosen ?? metadata.chosen,
               let rejected = chat.rejected ?? metadata.rejected {
                return .success(PackDocument(id: id, source: source, content: .preference(
                    prompt: try parseMessages(prompt, key: "prompt", bareRole: .user),
                    chosen: try parseMessages(chosen, key: "chosen", bareRole: .assistant),
                    rejected: try parseMessages(rejected, key: "rejected", bareRole: .assistant)), language: language))
            }
            guard let text = record.text?.stringValue else { throw reason("no 'text', 'messages' or 'prompt'/'chosen'/'rejected'") }
            return .success(PackDocument(id: id, source: source, content: .text(text), language: language))
        } catch let error as Reason {
            return .failure(PackRecordError(id: id, reason: error.text))
        } catch {
            return .failure(PackRecordError(id: id, reason: "\(error)"))
        }
    }

    private struct Reason: Error { var text: String }
    private static func reason(_ text: String) -> Reason { Reason(text: text) }

    private static func parseMessages(_ value: JSONValue, key: String, bareRole: ChatRole? = nil) throws -> [ChatMessage] {
        if case .string(let text) = value, let bareRole { return [ChatMessage(role: bareRole, content: text)] }
        guard case .array(let list) = value else { throw reason("'\(key)' is not a list of messages") }
        return try list.enumerated().map { index, item in
            guard case .object(let message) = item, let roleName = message["role"]?.stringValue,
                  let content = message["content"]?.stringValue else {
                throw reason("'\(key)'[\(index)] is not {role, content} with strings")
            }
            guard let role = ChatRole(rawValue: roleName) else {
                throw reason("'\(key)'[\(index)] has unknown role '\(roleName)' (system, user or assistant)")
            }
            return ChatMessage(role: role, content: content)
        }
    }
}

public struct PackRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    public var id: String
    public var reason: String
    public var description: String { "\(id): \(reason)" }
}
