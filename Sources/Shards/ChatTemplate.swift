/// ChatML as the tokenizer config defines it: each message is `<|im_start|>role\n` + content +
/// `<|im_end|>\n`, the two markers being special ids. The loss mask is 1 on an assistant's content
/// and its `<|im_end|>`, 0 on everything else (headers, other roles, the newline after the marker).
public struct ChatTemplate: Sendable {
    public static let startMarker = "<|im_start|>"
    public static let endMarker = "<|im_end|>"
    public static let endOfText = "<|endoftext|>"

    public let start: Int32
    public let end: Int32
    public let endOfText: Int32
    private let newline: [Int32]
    private let headers: [ChatRole: [Int32]]

    public init(encoder: any TextEncoder) throws(ShardError) {
        func special(_ content: String) throws(ShardError) -> Int32 {
            guard let id = encoder.specialTokenID(content) else {
                throw ShardError(file: "tokenizer", message: "has no special token \(content) (needed for chat data)")
            }
            return id
        }
        start = try special(Self.startMarker)
        end = try special(Self.endMarker)
        endOfText = try special(Self.endOfText)
        newline = encoder.encode("\n", allowSpecial: false)
        var headers: [ChatRole: [Int32]] = [:]
        for role in ChatRole.allCases { headers[role] = encoder.encode(role.rawValue + "\n", allowSpecial: false) }
        self.headers = headers
    }

    /// Appends the rendered messages to `tokens` and their mask to `mask`. Content is encoded as
    /// text (`allowSpecial: false`), so a user cannot forge a marker by typing it.
    public func render(_ messages: [ChatMessage], encoder: any TextEncoder, trainOnAssistant: Bool = true,
                       tokens: inout [Int32], mask: inout [UInt8]) {
        for message in messages {
            let header = [start] + headers[message.role]!
            tokens += header
            mask += repeatElement(0, count: header.count)
            let content = encoder.encode(message.content, allowSpecial: false) + [end]
            tokens += content
            mask += repeatElement(message.role == .assistant && trainOnAssistant ? 1 : 0, count: content.count)
            tokens += newline
            mask += repeatElement(0, count: newline.count)
        }
    }

    /// Checks a conversation before rendering: at least one message, no empty content.
    public static func validate(_ messages: [ChatMessage], needsAssistant: Bool) -> String? {
        if messages.isEmpty { return "no messages" }
        if let empty = messages.firstIndex(where: { $0.content.trimmingWhitespace().isEmpty }) {
            return "message \(empty) (\(messages[empty].role.rawValue)) has empty content"
        }
        if needsAssistant && !messages.contains(where: { $0.role == .assistant }) {
            return "no assistant message to train on"
        }
        return nil
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return Substring(scalars[first...last])
    }
}
