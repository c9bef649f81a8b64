import CorpusIO

/// A seeded generator of addition and subtraction problems with exact answers, for supervised
/// fine-tuning and for held-out evaluation of a small model.
///
/// Rules:
/// - Each operand has a number of digits drawn from `digits` (a 1-digit operand may be 0).
///   Subtraction puts the larger operand first unless `allowNegativeResults`.
/// - `wordProblemPercent` of the problems are worded as a short story ("Ann has 47 apples. Ann
///   gets 38 more. ..."), the rest as a bare sum; the solution is the same short line either way.
/// - The split is decided by a hash of the problem's key (operation and operands, not the wording):
///   `heldoutPerMille` of all problems are held out. Each split's generator rejects the other's
///   problems, so train and held-out never share a problem, whatever the seeds and counts.
/// - Within one call a problem appears once; when the space runs out the list is shorter than asked.
public struct ArithmeticTask: Sendable {
    public var digits: ClosedRange<Int>
    public var heldoutPerMille: Int
    public var wordProblemPercent: Int
    public var allowNegativeResults: Bool

    /// Problems made when a caller gives no limit.
    public static let defaultCount = 10_000

    public init(digits: ClosedRange<Int> = 2...3, heldoutPerMille: Int = 100, wordProblemPercent: Int = 30,
                allowNegativeResults: Bool = false) {
        precondition(digits.lowerBound >= 1 && digits.upperBound <= 18, "operands have 1 to 18 digits")
        precondition((1..<1000).contains(heldoutPerMille), "both splits must be non-empty")
        self.digits = digits
        self.heldoutPerMille = heldoutPerMille
        self.wordProblemPercent = wordProblemPercent
        self.allowNegativeResults = allowNegativeResults
    }

    /// Up to `count` distinct problems of `split`, the same list for the same seed and settings.
    public func problems(count: Int, seed: UInt64, split: ArithmeticSplit) -> [ArithmeticProblem] {
        var random = SeededRandom(seed: seed)
        var problems: [ArithmeticProblem] = []
        var seen = Set<String>()
        // Held-out problems are rare and duplicates grow as the space fills: give up after this many draws.
        let maxDraws = 1000 + count * 200
        var draws = 0
        while problems.count < count && draws < maxDraws {
            draws += 1
            let operation: ArithmeticProblem.Operation = random.draw(0...1) == 0 ? .addition : .subtraction
            var left = operand(&random)
            var right = operand(&random)
            if operation == .subtraction && !allowNegativeResults && left < right { swap(&left, &right) }
            let worded = random.draw(0...99) < wordProblemPercent
            let wording = random.next()
            let key = ArithmeticProblem.key(operation, left, right)
            guard ArithmeticProblem.split(ofKey: key, heldoutPerMille: heldoutPerMille) == split,
                  seen.insert(key).inserted else { continue }
            problems.append(Self.problem(operation, left, right, worded: worded, wording: wording))
        }
        return problems
    }

    /// Problems as chat records (`arithmetic/<split>#<n>`) carrying their answers.
    public func records(count: Int, seed: UInt64, split: ArithmeticSplit) -> [ChatRecord] {
        problems(count: count, seed: seed, split: split).enumerated().map { index, problem in
            ChatRecord(id: "arithmetic/\(split.rawValue)#\(index)", user: problem.prompt, assistant: problem.solution,
                       answer: problem.answer)
        }
    }

    private func operand(_ random: inout SeededRandom) -> Int {
        let count = random.draw(digits)
        let low = count == 1 ? 0 : Self.power(count - 1)
        return random.draw(low...(Self.power(count) - 1))
    }

    private static func power(_ exponent: Int) -> Int { (0..<exponent).reduce(1) { value, _ in value * 10 } }

    /// The wording; `wording` picks the template, name and object.
    static func problem(_ operation: ArithmeticProblem.Operation, _ left: Int, _ right: Int, worded: Bool,
                        wording: UInt64) -> ArithmeticProblem {
        let result = operation.apply(left, right)
        let solution = "\(left) \(operation.symbol) \(right) = \(result).\nAnswer: \(result)"
        let prompt: String
        if worded && result >= 0 {
            let name = ArithmeticWording.names[Int(wording % UInt64(ArithmeticWording.names.count))]
            let object = ArithmeticWording.objects[Int((wording >> 16) % UInt64(ArithmeticWording.objects.count))]
            let templates = operation == .addition ? ArithmeticWording.addition : ArithmeticWording.subtraction
            prompt = templates[Int((wording >> 32) % UInt64(templates.count))](name, object, left, right)
        } else {
            let templates = ArithmeticWording.bare
            prompt = templates[Int((wording >> 32) % UInt64(templates.count))]("\(left) \(operation.symbol) \(right)")
        }
        return ArithmeticProblem(operation: operation, left: left, right: right, prompt: prompt, solution: solution,
                                 answer: String(result))
    }
}

/// The few templates, names and objects problems are worded with.
enum ArithmeticWording {
    static let names = ["Ann", "Ben", "Cara", "Dan", "Eva", "Finn", "Gina", "Hugo", "Iris", "Jack", "Kim", "Leo"]
    static let objects = ["apples", "books", "coins", "marbles", "pencils", "stickers", "cards", "shells", "stamps", "buttons"]

    static let bare: [@Sendable (String) -> String] = [
        { "What is \($0)?" },
        { "Compute \($0)." },
        { "\($0) = ?" },
    ]

    static let addition: [@Sendable (String, String, Int, Int) -> String] = [
        { name, object, a, b in "\(name) has \(a) \(object). \(name) gets \(b) more. How many \(object) does \(name) have now?" },
        { name, object, a, b in "\(name) has \(a) \(object) and finds \(b) more. How many \(object) does \(name) have?" },
    ]

    static let subtraction: [@Sendable (String, String, Int, Int) -> String] = [
        { name, object, a, b in "\(name) has \(a) \(object) and gives away \(b). How many \(object) are left?" },
        { name, object, a, b in "\(name) had \(a) \(object). \(name) gave \(b) to a friend. How many \(object) does \(name) have now?" },
    ]
}
