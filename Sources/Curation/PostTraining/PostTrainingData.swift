import CorpusIO

/// Writes post-training data as JSONL, atomically (a temporary name renamed into place), with
/// fixed key order and the same bytes for the same records on every run.
public enum PostTrainingData {
    /// `{"id":...,"messages":[{"role":"user","content":...},...]}` per line, plus `"answer"` when
    /// the record has one.
    public static func writeChatRecords(_ records: [ChatRecord], to path: String) throws {
        let file = try AtomicOutputFile(path: path)
        var line: [UInt8] = []
        for record in records {
            line.removeAll(keepingCapacity: true)
            chatLine(record, into: &line)
            try file.write(line)
        }
        try file.commit()
    }

    /// `{"id":...,"prompt":...,"answer":...,"solution":...}` per line: a held-out set for evaluation.
    public static func writeEvaluationItems(_ items: [HeldOutItem], to path: String) throws {
        let file = try AtomicOutputFile(path: path)
        var line: [UInt8] = []
        for item in items {
            line.removeAll(keepingCapacity: true)
            JSONText.appendObject([("id", .string(item.id)), ("prompt", .string(item.prompt)),
                                   ("answer", .string(item.answer)), ("solution", .string(item.solution))], to: &line)
            line.append(0x0A)
            try file.write(line)
        }
        try file.commit()
    }

    /// One record's line, newline included.
    static func chatLine(_ record: ChatRecord, into line: inout [UInt8]) {
        let messages = JSONValue.array(record.messages.map {
            .object(["role": .string($0.role.rawValue), "content": .string($0.content)])
        })
        var members: [(key: String, value: JSONValue)] = [("id", .string(record.id)), ("messages", messages)]
        if let answer = record.answer { members.append(("answer", .string(answer))) }
        JSONText.appendObject(members, to: &line)
        line.append(0x0A)
    }
}
