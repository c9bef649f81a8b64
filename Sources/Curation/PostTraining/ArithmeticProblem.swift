import CorpusIO

/// Which side of the train/held-out line a problem falls on.
public enum ArithmeticSplit: String, Sendable, CaseIterable, Codable {
    case train, heldout
}

/// One verifiable problem: the question, a short worked solution and the exact answer.
public struct ArithmeticProblem: Sendable, Equatable {
    public enum Operation: String, Sendable, CaseIterable, Codable {
        case addition = "add", subtraction = "sub"

        var symbol: String { self == .addition ? "+" : "-" }

        func apply(_ left: Int, _ right: Int) -> Int { self == .addition ? left + right : left - right }
    }

    public var operation: Operation
    public var left: Int
    public var right: Int
    /// The user's text: a bare sum or a short word problem.
    public var prompt: String
    /// The assistant's text, always `"<left> <op> <right> = <result>.\nAnswer: <result>"`.
    public var solution: String
    /// The exact answer, in decimal.
    public var answer: String

    /// What makes two problems the same, whatever their wording: `add:47:38`. The split is a function of it.
    public var key: String { Self.key(operation, left, right) }

    static func key(_ operation: Operation, _ left: Int, _ right: Int) -> String {
        "\(operation.rawValue):\(left):\(right)"
    }

    /// Salt of the split hash: fixed, so a problem's split never depends on a run's seed.
    static let splitSalt: UInt64 = 0x706C_6D2D_6172_6974  // "plm-arit"

    /// The split of a problem key: held out when its hash falls in the first `heldoutPerMille` of 1000 buckets.
    public static func split(ofKey key: String, heldoutPerMille: Int) -> ArithmeticSplit {
        XXHash.xxh64(key, seed: splitSalt) % 1000 < UInt64(heldoutPerMille) ? .heldout : .train
    }
}
