import Testing
@testable import Pipeline

/// How an ARIES round turns scored answers into a preference pair, and which prompts each round takes.
@Suite struct AriesRoundTests {
    func answer(_ text: String, _ score: Double, refined: String? = nil, _ refinedScore: Double? = nil) -> AriesAnswer {
        AriesAnswer(text: text, score: score, refined: refined, refinedScore: refinedScore)
    }

    @Test func bestRefinedAnswerIsChosenAgainstTheWorstFirstAnswer() throws {
        let answers = [answer("12", 0, refined: "Answer: 13", 1), answer("13", 1, refined: "Answer: 14", 0)]
        let pair = try #require(AriesRound.pair(answers))
        // Both "Answer: 13" (refined) and "13" (first) are right: the refined one wins the tie.
        #expect(pair.chosen == "Answer: 13")
        // "12" (first) and "Answer: 14" (refined) are wrong: the first answer loses the tie.
        #expect(pair.rejected == "12")
    }

    @Test func withoutRefinementTheBestFirstAnswerIsChosen() throws {
        let pair = try #require(AriesRound.pair([answer("7", 0), answer("8", 1), answer("9", 0)]))
        #expect(pair.chosen == "8")
        #expect(pair.rejected == "7")
    }

    @Test func answersThatAllScoreTheSameMakeNoPair() {
        #expect(AriesRound.pair([answer("1", 1), answer("1", 1, refined: "1", 1)]) == nil)
        #expect(AriesRound.pair([answer("1", 0), answer("2", 0)]) == nil)
        // An empty answer is never a side of a pair.
        #expect(AriesRound.pair([answer("", 0), answer("5", 1)]) == nil)
    }

    @Test func roundsTakeDifferentPromptsFromOneSeededOrder() {
        let prompts = (0..<10).map { AlignPrompt(id: "p\($0)", prompt: "q\($0)", answer: "\($0)") }
        let first = AriesRound.choose(prompts, count: 4, round: 0, seed: 7)
        let second = AriesRound.choose(prompts, count: 4, round: 1, seed: 7)
        #expect(first.count == 4 && second.count == 4)
        #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
        #expect(first == AriesRound.choose(prompts, count: 4, round: 0, seed: 7))
        #expect(first != AriesRound.choose(prompts, count: 4, round: 0, seed: 8))
        // More than there are: every prompt once.
        #expect(Set(AriesRound.choose(prompts, count: 50, round: 3, seed: 7).map(\.id)).count == 10)
    }

    @Test func pairsBecomePreferenceRecordsAndSummariesCountThem() {
        let records = [
            AriesRecord(id: "a", prompt: "What is 2 + 2?", answer: "4",
                        answers: [answer("5", 0, refined: "Answer: 4", 1)], chosen: "Answer: 4", rejected: "5"),
            AriesRecord(id: "b", prompt: "What is 1 + 1?", answer: "2", answers: [answer("2", 1, refined: "2", 1)]),
        ]
        let documents = AriesRound.preferenceDocuments(records, source: "aries")
        #expect(documents.count == 1)
        if case .preference(let prompt, let chosen, let rejected) = documents[0].content {
            #expect(prompt.map(\.content) == ["What is 2 + 2?"])
            #expect(chosen.map(\.content) == ["Answer: 4"] && rejected.map(\.content) == ["5"])
        } else {
            Issue.record("not a preference record")
        }
        let summary = AriesRound.summary(records, round: 1, asked: 3, seconds: 2)
        #expect(summary.prompts == 2 && summary.answers == 2 && summary.pairs == 1 && summary.tooLong == 1)
        #expect(summary.sampledAccuracy == 0.5 && summary.refinedAccuracy == 1)
    }

    @Test func wilsonIntervalMatchesTheFormula() {
        // 50 of 100: centre 0.5, half-width 1.96 * sqrt(0.25/100 + 1.96^2/40000) / (1 + 1.96^2/100).
        let (low, high) = TaskScore.wilson(correct: 50, total: 100)
        #expect(abs(low - 0.4038) < 1e-4 && abs(high - 0.5962) < 1e-4)
        let (zeroLow, zeroHigh) = TaskScore.wilson(correct: 0, total: 500)
        #expect(zeroLow == 0 && abs(zeroHigh - 0.00762) < 1e-4)
        #expect(TaskScore(correct: 3, total: 4).accuracy == 0.75)
    }

    @Test func pairedDifferenceMatchesAgrestiMin() {
        // 35 gained, 12 lost of 500: half an item in each cell, n = 502; centre 23 / 502, half-width
        // 1.96 * sqrt(48 - 23^2 / 502) / 502.
        let d = PairedDifference(items: 500, gained: 35, lost: 12)
        #expect(abs(d.difference - 0.046) < 1e-12)
        #expect(abs(d.low - 0.019066) < 1e-5 && abs(d.high - 0.072568) < 1e-5)
        #expect(d.isClearGain && d.summary == "+4.6 points (paired 95% CI +1.9 to +7.3; 35 gained, 12 lost of 500)")
        // Same accuracy, many items swapped: no clear gain either way.
        let swap = PairedDifference(items: 500, gained: 30, lost: 30)
        #expect(swap.difference == 0 && swap.low < 0 && swap.high > 0 && !swap.isClearGain)
    }

    @Test func pairedDifferenceComparesItemByItem() throws {
        // Items 1 and 4 gained, item 2 lost; item 5 too long in one of them, so left out.
        let before = TaskScore(correct: 2, total: 5, outcomes: "01010-"), after = TaskScore(correct: 3, total: 5, outcomes: "10110-")
        let d = try #require(PairedDifference(from: before, to: after))
        #expect(d.items == 5 && d.gained == 2 && d.lost == 1)
        let tooLong = TaskScore(correct: 2, total: 5, outcomes: "0101-1")
        #expect(try #require(PairedDifference(from: before, to: tooLong)).items == 4)
        // Not the same items, or no outcomes kept: no paired difference.
        #expect(PairedDifference(from: before, to: TaskScore(correct: 1, total: 2, outcomes: "10")) == nil)
        #expect(PairedDifference(from: before, to: TaskScore(correct: 3, total: 5)) == nil)
    }
}
