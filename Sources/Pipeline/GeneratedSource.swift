import Foundation
import Curation

/// A manifest source whose records `plm make-sft` writes from local material (`generate:`) instead of
/// files read as they are: chat records from the dpkg status file, man pages, Python docstrings and
/// license texts, or seeded arithmetic problems. Ingest then reads the written JSONL like any chat data.
public struct GeneratedSource: Sendable, Equatable {
    public var generator: PostTrainingGenerator
    /// At most this many records (nil: all the inputs give; arithmetic needs a count).
    public var examples: Int?
    public var seed: UInt64
    /// Arithmetic only: which side of the fixed train / held-out partition of problems.
    public var split: ArithmeticSplit
    /// Arithmetic only: how many digits each operand has (`digits: 2` or `digits: 1-3`).
    public var digits: ClosedRange<Int>

    public init(generator: PostTrainingGenerator, examples: Int? = nil, seed: UInt64 = 0, split: ArithmeticSplit = .train,
                digits: ClosedRange<Int> = 2...3) {
        self.generator = generator
        self.examples = examples
        self.seed = seed
        self.split = split
        self.digits = digits
    }

    static let keys = ["generate", "examples", "seed", "split", "digits"]

    /// The `generate`, `examples`, `seed` and `split` keys of a source or evaluation entry; nil without `generate`.
    static func parse(_ entry: YAMLMapping) throws(ConfigError) -> GeneratedSource? {
        guard let generator = try entry.optionalChoice("generate", as: PostTrainingGenerator.self) else {
            for key in ["examples", "seed", "split", "digits"] where entry.has(key) {
                throw entry.error(at: entry.location(of: key), "key '\(key)' in \(entry.context) only applies with 'generate'")
            }
            return nil
        }
        let examples = try entry.optionalInt("examples", atLeast: 1)
        if generator == .arithmetic, examples == nil { throw entry.missing("examples") }
        let split = try entry.optionalChoice("split", as: ArithmeticSplit.self)
        for key in ["split", "digits"] where entry.has(key) && generator != .arithmetic {
            throw entry.error(at: entry.location(of: key), "key '\(key)' in \(entry.context) only applies to generate: arithmetic")
        }
        var digits = 2...3
        if let text = try entry.optionalString("digits") {
            let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(parts.count), let low = parts.first ?? nil, let high = parts.last ?? nil,
                  1 <= low, low <= high, high <= 9 else {
                throw entry.invalid("digits", mustBe: "a digit count from 1 to 9, or a range like 1-3")
            }
            digits = low...high
        }
        return GeneratedSource(generator: generator, examples: examples,
                               seed: UInt64(try entry.optionalInt("seed", atLeast: 0) ?? 0), split: split ?? .train,
                               digits: digits)
    }
}
