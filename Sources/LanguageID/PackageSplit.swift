import CorpusIO

/// The train/test split by package: every text of a package (in every language) falls on the same side,
/// so the held-out side measures packages the model never saw, not lines it saw elsewhere in the same file.
public struct PackageSplit: Sendable, Equatable, Codable {
    /// Share of packages held out, in thousandths.
    public var testPerMille: Int
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case testPerMille = "test_per_mille", seed
    }

    public init(testPerMille: Int = 200, seed: UInt64 = 0) {
        precondition((0...1000).contains(testPerMille), "the held-out share is in thousandths")
        self.testPerMille = testPerMille
        self.seed = seed
    }

    /// Whether the package is held out: a hash of its name, so the answer is the same on every machine
    /// and does not move when other packages come or go.
    public func isHeldOut(package: String) -> Bool {
        Int(XXHash.xxh64(package, seed: seed) % 1000) < testPerMille
    }

    /// The texts of the training packages and of the held-out ones.
    public func split(_ texts: [LabelledText]) -> (train: [LabelledText], test: [LabelledText]) {
        var train: [LabelledText] = []
        var test: [LabelledText] = []
        for text in texts {
            if isHeldOut(package: text.package) { test.append(text) } else { train.append(text) }
        }
        return (train, test)
    }
}

/// Texts for evaluation: short ones as they are, and longer ones made by joining consecutive messages of
/// one package and language (a paragraph's worth of a program's interface).
public enum EvaluationTexts {
    /// Texts under `shortLimit` characters.
    public static func short(_ texts: [LabelledText], shortLimit: Int = 50) -> [LabelledText] {
        texts.filter { $0.text.count < shortLimit }
    }

    /// Runs of `count` consecutive texts of the same package and label, joined with spaces; a shorter tail
    /// is dropped.
    public static func joined(_ texts: [LabelledText], count: Int = 5) -> [LabelledText] {
        var groups: [String: [String]] = [:]
        var order: [String] = []
        var result: [LabelledText] = []
        for text in texts {
            let key = text.label + "\u{0}" + text.package
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(text.text)
            if groups[key]!.count == count {
                result.append(LabelledText(label: text.label, package: text.package,
                                           text: groups[key]!.joined(separator: " ")))
                groups[key] = []
            }
        }
        return result
    }

    /// At most `limit` texts per label, taken evenly through each label's texts (so every package keeps
    /// its share), in their original order.
    public static func capped(_ texts: [LabelledText], perLabel limit: Int) -> [LabelledText] {
        var totals: [String: Int] = [:]
        for text in texts { totals[text.label, default: 0] += 1 }
        var seen: [String: Int] = [:]
        var taken: [String: Int] = [:]
        var result: [LabelledText] = []
        for text in texts {
            let total = totals[text.label]!
            let index = seen[text.label, default: 0]
            seen[text.label] = index + 1
            // Take the index-th text when it moves the running quota past the next whole text.
            let quota = total <= limit ? index + 1 : (index + 1) * limit / total
            if quota > taken[text.label, default: 0] {
                taken[text.label, default: 0] += 1
                result.append(text)
            }
        }
        return result
    }

    /// The texts in a seeded random order (fastText reads its training file in order).
    public static func shuffled(_ texts: [LabelledText], seed: UInt64) -> [LabelledText] {
        var random = SeededRandom(seed: seed)
        var copy = texts
        random.moduloShuffle(&copy)
        return copy
    }
}
