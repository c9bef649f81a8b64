import Foundation

/// Reads pipeline documents (JSONL lines with `id`, `source`, `text`, `metadata`) into packing
/// input. Chat records carry `messages: [{role, content}]`, preference records `prompt`,
/// `chosen`, `rejected` (message lists, or a string for an assistant answer / a user prompt),
/// either at the top level or inside `metadata` (where ingest keeps a record's other fields).
public enum PackRecordParser {
    /// Parses one line; a structurally wrong record is returned as a failure with its reason.
    public static func parse(line: Data, defaultSource: String, lineNumber: Int) -> Result<PackDocument, PackRecordError> {
        guard let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            return .failure(PackRecordError(id: "line \(lineNumber)", reason: "not a JSON object"))
        }
        let id = object["id"] as? String ?? "line \(lineNumber)"
        let source = object["source"] as? String ?? defaultSource
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        func field(_ key: String) -> Any? { object[key] ?? metadata[key] }
        do {
            if let messages = field("messages") {
                return .success(PackDocument(id: id, source: source, content: .chat(try parseMessages(messages, key: "messages"))))
            }
            if let prompt = field("prompt"), let chosen = field("chosen"), let rejected = field("rejected") {
                return .success(PackDocument(id: id, source: source, content: .preference(
                    prompt: try parseMessages(prompt, key: "prompt", bareRole: .user),
                    chosen: try parseMessages(chosen, key: "chosen", bareRole: .assistant),
                    rejected: try parseMessages(rejected, key: "rejected", bareRole: .assistant))))
            }
            guard let text = object["text"] as? String else { throw reason("no 'text', 'messages' or 'prompt'/'chosen'/'rejected'") }
            return .success(PackDocument(id: id, source: source, content: .text(text)))
        } catch let error as Reason {
            return .failure(PackRecordError(id: id, reason: error.text))
        } catch {
            return .failure(PackRecordError(id: id, reason: "\(error)"))
        }
    }

    private struct Reason: Error { var text: String }
    private static func reason(_ text: String) -> Reason { Reason(text: text) }

    private static func parseMessages(_ value: Any, key: String, bareRole: ChatRole? = nil) throws -> [ChatMessage] {
        if let text = value as? String, let bareRole { return [ChatMessage(role: bareRole, content: text)] }
        guard let list = value as? [Any] else { throw reason("'\(key)' is not a list of messages") }
        return try list.enumerated().map { index, item in
            guard let message = item as? [String: Any], let roleName = message["role"] as? String,
                  let content = message["content"] as? String else {
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
