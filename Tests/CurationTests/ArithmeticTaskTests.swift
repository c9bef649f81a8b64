import Testing
@testable import Curation

@Suite("PostTraining arithmetic task")
struct ArithmeticTaskTests {
    @Test("the same seed gives the same problems; another seed different ones")
    func determinism() {
        let task = ArithmeticTask()
        let first = task.problems(count: 500, seed: 42, split: .train)
        #expect(first.count == 500)
        #expect(first == task.problems(count: 500, seed: 42, split: .train))
        #expect(first != task.problems(count: 500, seed: 43, split: .train))
        #expect(Set(first.map(\.key)).count == 500)
    }

    @Test("train and held-out never share a problem, whatever the seeds")
    func disjointSplits() {
        let task = ArithmeticTask()
        var train = Set<String>()
        for seed: UInt64 in [1, 2] { train.formUnion(task.problems(count: 20_000, seed: seed, split: .train).map(\.key)) }
        var heldout = Set<String>()
        for seed: UInt64 in [1, 3] {
            let problems = task.problems(count: 20_000, seed: seed, split: .heldout)
            #expect(problems.count == 20_000)
            heldout.formUnion(problems.map(\.key))
        }
        #expect(train.count > 30_000 && heldout.count > 30_000)
        #expect(train.isDisjoint(with: heldout))
        // Roughly the configured share of the space is held out.
        let all = (0..<10_000).map { ArithmeticProblem.key(.addition, 100 + $0 % 900, 10 + $0 / 900) }
        let held = all.filter { ArithmeticProblem.split(ofKey: $0, heldoutPerMille: 100) == .heldout }.count
        #expect((800...1200).contains(held))
    }

    @Test("every solution states the correct result, computed here")
    func solutionsAreCorrect() throws {
        let task = ArithmeticTask(digits: 1...4, wordProblemPercent: 50)
        for split in ArithmeticSplit.allCases {
            for problem in task.problems(count: 5_000, seed: 9, split: split) {
                let result = problem.operation == .addition ? problem.left + problem.right : problem.left - problem.right
                #expect(result >= 0)
                #expect(problem.answer == String(result))
                let symbol = problem.operation == .addition ? "+" : "-"
                #expect(problem.solution == "\(problem.left) \(symbol) \(problem.right) = \(result).\nAnswer: \(result)")
                #expect(problem.prompt.contains(String(problem.left)) && problem.prompt.contains(String(problem.right)))
                #expect(ArithmeticTask.score(response: problem.solution, answer: problem.answer))
                #expect(String(problem.left).count <= 4 && String(problem.right).count <= 4)
            }
        }
        let worded = task.problems(count: 200, seed: 9, split: .train).filter { $0.prompt.contains("How many") }
        #expect(worded.count > 50)
    }

    @Test("answers are extracted after the last 'Answer:', else the last integer", arguments: [
        ("47 + 38 = 85.\nAnswer: 85", "85"),
        ("47 and 38 make 85, so 85", "85"),
        ("-12", "-12"),
        ("The result is -12.", "-12"),
        ("Answer: 12\nAnswer: -7", "-7"),
        ("answer: +007", "7"),
        ("Answer: 1,234", "1234"),
        ("Answer: unknown, maybe 5-3", "3"),
        ("Answer: -0", "0"),
    ])
    func extraction(response: String, expected: String) {
        #expect(ArithmeticTask.extractAnswer(from: response) == expected)
    }

    @Test("no integer, no answer")
    func noAnswer() {
        #expect(ArithmeticTask.extractAnswer(from: "I do not know.") == nil)
        #expect(ArithmeticTask.extractAnswer(from: "") == nil)
    }

    @Test("the scorer gives 1 for the exact integer and 0 otherwise")
    func scorer() {
        let scorer: any AnswerScorer = ArithmeticScorer()
        #expect(scorer.score(response: "47 + 38 = 85.\nAnswer: 85", answer: "85") == 1)
        #expect(scorer.score(response: "so 85", answer: "85") == 1)
        #expect(scorer.score(response: "Answer: 84", answer: "85") == 0)
        #expect(scorer.score(response: "Answer: 85\nAnswer: 86", answer: "85") == 0)
        #expect(scorer.score(response: "no idea", answer: "85") == 0)
        #expect(scorer.score(response: "Answer: -12", answer: "-12") == 1)
    }

    @Test("the entry point makes arithmetic records with answers and refuses input paths")
    func entryPoint() throws {
        let output = try PostTrainingGenerator.generate(.arithmetic, paths: [], limit: 100, seed: 5, split: .heldout)
        #expect(output.records.count == 100)
        #expect(output.records[0].id == "arithmetic/heldout#0")
        #expect(output.records.allSatisfy { $0.answer != nil && $0.evaluationItem != nil })
        let keys = output.records.map { $0.messages[1].content }
        #expect(keys == ArithmeticTask().records(count: 100, seed: 5, split: .heldout).map { $0.messages[1].content })
        #expect(throws: PostTrainingError.pathsNotAccepted(generator: "arithmetic")) {
            try PostTrainingGenerator.generate(.arithmetic, paths: ["/tmp"], limit: 1, seed: 0, split: .train)
        }
    }
}
