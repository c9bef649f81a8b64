import CorpusIO

/// Chat (`messages: [{role, content}]`) and preference (`prompt`, `chosen`, `rejected`) records
/// have no `text` field. Ingest keeps them: their structure stays in the document's metadata (for
/// packing to render), and the text is their contents joined, so dedup and filters see the words.
enum ChatRecordText {
    static func text(of record: [String: JSONValue]) -> String? {
        if case .array(let messages)? = record["messages"] { return joined(messages) }
        guard let prompt = record["prompt"], let chosen = record["chosen"], let rejected = record["rejected"] else { return nil }
        return [prompt, chosen, rejected].compactMap { value -> String? in
            switch value {
            case .string(let text): return text
            case .array(let messages): return joined(messages)
            default: return nil
            }
        }.joined(separator: "\n\n")
    }

    private static func joined(_ messages: [JSONValue]) -> String {
        messages.compactMap { message -> String? in
            guard case .object(let fields) = message else { return nil }
            return fields["content"]?.stringValue
        }.joined(separator: "\n\n")
    }
}
