/// Who says a message in a chat record.
public enum ChatTurnRole: String, Sendable, Equatable, Codable {
    case system, user, assistant
}

/// One turn of a chat record.
public struct ChatTurn: Sendable, Equatable {
    public var role: ChatTurnRole
    public var content: String

    public init(role: ChatTurnRole, content: String) {
        self.role = role
        self.content = content
    }
}

/// One supervised fine-tuning example: a user question and the assistant's answer, with a stable id
/// (`<generator>/<file>#<n>`). Verifiable tasks also carry the exact `answer` a scorer checks.
public struct ChatRecord: Sendable, Equatable {
    public var id: String
    public var messages: [ChatTurn]
    /// The exact expected answer, for tasks that can be scored (arithmetic); nil otherwise.
    public var answer: String?

    public init(id: String, messages: [ChatTurn], answer: String? = nil) {
        self.id = id
        self.messages = messages
        self.answer = answer
    }

    /// The usual two-turn record: one question, one answer.
    public init(id: String, user: String, assistant: String, answer: String? = nil) {
        self.init(id: id, messages: [ChatTurn(role: .user, content: user), ChatTurn(role: .assistant, content: assistant)],
                  answer: answer)
    }

    /// The item a held-out evaluation needs (prompt, exact answer, worked solution); nil for a
    /// record without an answer or without a user and an assistant turn.
    public var evaluationItem: HeldOutItem? {
        guard let answer,
              let prompt = messages.first(where: { $0.role == .user })?.content,
              let solution = messages.last(where: { $0.role == .assistant })?.content else { return nil }
        return HeldOutItem(id: id, prompt: prompt, answer: answer, solution: solution)
    }
}

/// One held-out problem: what to ask, the exact answer to score against, and a reference solution.
public struct HeldOutItem: Sendable, Equatable {
    public var id: String
    public var prompt: String
    public var answer: String
    public var solution: String

    public init(id: String, prompt: String, answer: String, solution: String) {
        self.id = id
        self.prompt = prompt
        self.answer = answer
        self.solution = solution
    }
}
