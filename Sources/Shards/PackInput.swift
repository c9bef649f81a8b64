/// Who speaks a chat message. Only these three roles are rendered; anything else is refused.
public enum ChatRole: String, Sendable, Codable, CaseIterable {
    case system, user, assistant
}

public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: ChatRole
    public var content: String

    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }
}

/// What a document holds, by phase kind: plain text, a conversation, or a preference pair.
public enum PackContent: Sendable, Equatable {
    case text(String)
    case chat([ChatMessage])
    /// A shared prompt, then the preferred and the rejected continuation.
    case preference(prompt: [ChatMessage], chosen: [ChatMessage], rejected: [ChatMessage])
}

/// One input document of a phase.
public struct PackDocument: Sendable, Equatable {
    public var id: String
    public var source: String
    public var content: PackContent
    /// The language the language filter found (`metadata.language`); nil when the document was not asked.
    public var language: String?

    public init(id: String, source: String, content: PackContent, language: String? = nil) {
        self.id = id
        self.source = source
        self.content = content
        self.language = language
    }

    /// Bytes of text the document carries (for throughput figures).
    public var textBytes: Int {
        switch content {
        case .text(let text): text.utf8.count
        case .chat(let messages): messages.reduce(0) { $0 + $1.content.utf8.count }
        case .preference(let prompt, let chosen, let rejected):
            (prompt + chosen + rejected).reduce(0) { $0 + $1.content.utf8.count }
        }
    }

    /// The bytes the train/validation split hashes: the content, not the id, so the same text
    /// found under two names lands on the same side.
    var splitKey: String {
        switch content {
        case .text(let text): return text
        case .chat(let messages): return messages.map { $0.role.rawValue + "\u{1F}" + $0.content }.joined(separator: "\u{1E}")
        case .preference(let prompt, let chosen, let rejected):
            // The prompt decides: the same question with other answers stays on one side.
            _ = (chosen, rejected)
            return prompt.map { $0.role.rawValue + "\u{1F}" + $0.content }.joined(separator: "\u{1E}")
        }
    }
}
