import Testing
@testable import Curation

/// The refinement turn the SFT data teaches and the preference rounds ask for.
@Suite struct RefinementTests {
    @Test func everyThirdProblemComesBackWithAnAttemptToCheck() throws {
        let records = ArithmeticTask(digits: 2...2).records(count: 12, seed: 4, split: .train)
        let refined = Refinement.arithmeticRecords(from: records)
        #expect(refined.count == 4)
        let first = try #require(refined.first)
        let question = records[0].messages[0].content, solution = records[0].messages[1].content
        #expect(first.id == records[0].id + "/refine")
        #expect(first.messages.map(\.role) == [.user, .assistant])
        // The reply is the correct worked solution; the attempt in the question is off by one.
        #expect(first.messages[1].content == solution)
        let text = try #require(records[0].answer)
        let answer = try #require(Int(text))
        #expect(first.messages[0].content == question + "\n\nFirst attempt:\n"
                + solution.replacingOccurrences(of: "= \(answer).", with: "= \(answer + 1).")
                    .replacingOccurrences(of: "Answer: \(answer)", with: "Answer: \(answer + 1)")
                + "\n\n" + Refinement.request)
        #expect(first.messages[0].content.contains(Refinement.attemptMarker))
        // Some attempts are right (offset 0): the reply then confirms them.
        let all = Refinement.arithmeticRecords(from: ArithmeticTask(digits: 2...2).records(count: 60, seed: 4, split: .train))
        #expect(all.contains { $0.messages[0].content.contains("Answer: \($0.answer!)\n\n") })
        #expect(all.contains { !$0.messages[0].content.contains("Answer: \($0.answer!)\n\n") })
    }
}
