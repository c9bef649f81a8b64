/// The self-refinement turn, in one place for the SFT data that teaches it and the ARIES rounds that use
/// it: one user message holding the question, a first attempt and the request to check it. (A separate
/// assistant turn for the attempt would be trained on by packing, which masks in every assistant turn:
/// the wrong attempts would be learnt as answers.)
public enum Refinement {
    public static let request = "Check your work and give the corrected final answer."
    /// What separates the question from the attempt; a prompt holding it is a refinement turn.
    public static let attemptMarker = "\n\nFirst attempt:\n"

    public static func prompt(question: String, attempt: String, request: String = Refinement.request) -> String {
        question + attemptMarker + attempt + "\n\n" + request
    }

    /// Refinement records for arithmetic: for every `every`-th problem, a first attempt (a wrong answer,
    /// off by one or by ten, or now and then the right one, which the reply then confirms) and the
    /// correct worked solution as the reply. Deterministic in the records' order.
    public static func arithmeticRecords(from records: [ChatRecord], every: Int = 3) -> [ChatRecord] {
        var result: [ChatRecord] = []
        for (index, record) in records.enumerated() where index % every == 0 {
            guard let answer = record.answer, let value = Int(answer), record.messages.count == 2 else { continue }
            let question = record.messages[0].content, solution = record.messages[1].content
            let offsets = [1, -1, 10, -10, 0, 2]
            let wrong = value + offsets[(index / every) % offsets.count]
            let attempt = solution.replacingOccurrences(of: "= \(answer).", with: "= \(wrong).")
                .replacingOccurrences(of: "Answer: \(answer)", with: "Answer: \(wrong)")
            result.append(ChatRecord(id: record.id + "/refine", user: prompt(question: question, attempt: attempt),
                                     assistant: solution, answer: answer))
        }
        return result
    }
}
