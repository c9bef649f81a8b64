import CorpusIO
import Curation
import Foundation

/// Measures MinHash LSH on labelled pairs: how often the real `MinHasher` signatures put a pair in
/// the same bucket, beside the theoretical rate `1-(1-s^r)^b` at each pair's exact Jaccard `s`, and
/// precision and recall against the exact-Jaccard ground truth.
public enum LSHEvaluation {
    /// Probability that LSH with `buckets` bands of `hashesPerBucket` minima matches a pair of
    /// Jaccard similarity `similarity`.
    public static func theoreticalMatchRate(similarity: Double, config: MinHashConfig) -> Double {
        let band = Foundation.pow(similarity, Double(config.hashesPerBucket))
        return 1 - Foundation.pow(1 - band, Double(config.buckets))
    }

    /// Whether two signatures (`buckets` runs of `hashesPerBucket` minima) agree on all minima of
    /// at least one bucket, as the dedup's bucket stage decides.
    public static func matches(_ a: [UInt64], _ b: [UInt64], config: MinHashConfig) -> Bool {
        precondition(a.count == config.hashCount && b.count == config.hashCount)
        let r = config.hashesPerBucket
        for bucket in 0..<config.buckets {
            let range = (bucket * r)..<((bucket + 1) * r)
            if a[range] == b[range] { return true }
        }
        return false
    }

    /// Signs the texts of every pair with `MinHasher(config:)` (each distinct text once) and
    /// evaluates the matches; pairs are grouped by `target`. A pair with a text too short for one
    /// shingle never matches.
    public static func evaluate(pairs: [LabelledPair], config: MinHashConfig = MinHashConfig(),
                                threshold: Double = 0.8) -> LSHReport {
        evaluate(pairs: pairs, signatures: signatures(of: pairs, config: config), config: config,
                 threshold: threshold, matcher: matches)
    }

    /// The signatures of each pair's two texts (nil: no shingle), each distinct text signed once.
    static func signatures(of pairs: [LabelledPair], config: MinHashConfig) -> [(a: [UInt64]?, b: [UInt64]?)] {
        let hasher = MinHasher(config: config)
        var simplifier = TextSimplifier()
        var known: [String: [UInt64]?] = [:]
        func sign(_ text: String) -> [UInt64]? {
            if let signature = known[text] { return signature }
            var signature = [UInt64](repeating: 0, count: config.hashCount)
            let found = signature.withUnsafeMutableBufferPointer { hasher.signature(text, simplifier: &simplifier, into: $0) }
            known[text] = .some(found ? signature : nil)
            return found ? signature : nil
        }
        return pairs.map { (sign($0.a), sign($0.b)) }
    }

    /// `evaluate` on signatures made beforehand, with the bucket comparison replaceable (tests
    /// check that a wrong one is caught).
    static func evaluate(pairs: [LabelledPair], signatures: [(a: [UInt64]?, b: [UInt64]?)], config: MinHashConfig,
                         threshold: Double, matcher: ([UInt64], [UInt64], MinHashConfig) -> Bool) -> LSHReport {
        precondition(pairs.count == signatures.count)
        let outcomes = zip(pairs, signatures).map { pair, signed -> LSHReport.Outcome in
            var matched = false
            if let a = signed.a, let b = signed.b { matched = matcher(a, b, config) }
            return LSHReport.Outcome(target: pair.target, jaccard: pair.jaccard, matched: matched)
        }
        return LSHReport(outcomes: outcomes, config: config, threshold: threshold)
    }
}

/// Match rates per target similarity beside theory, and precision/recall at a threshold.
public struct LSHReport: Sendable, CustomStringConvertible {
    /// One pair's result.
    public struct Outcome: Sendable, Equatable {
        public var target: Double
        public var jaccard: Double
        public var matched: Bool

        public init(target: Double, jaccard: Double, matched: Bool) {
            self.target = target
            self.jaccard = jaccard
            self.matched = matched
        }
    }

    /// The pairs made for one target similarity.
    public struct Bin: Sendable, Equatable {
        public var target: Double
        public var count: Int
        public var matched: Int
        public var minJaccard: Double
        public var meanJaccard: Double
        public var maxJaccard: Double
        /// Mean over the bin of `1-(1-s^r)^b` at each pair's exact Jaccard `s`.
        public var expectedRate: Double
        /// Standard error of the observed rate if each pair matches with its theoretical
        /// probability `p_i`: `sqrt(sum p_i (1 - p_i)) / count` (binomial, Poisson-binomial
        /// when the `p_i` differ). 0 when every `p_i` is 0 or 1.
        public var standardError: Double

        public var observedRate: Double { count == 0 ? 0 : Double(matched) / Double(count) }
        /// Observed minus expected rate, in standard errors (nil when the standard error is 0).
        public var deviation: Double? {
            standardError > 0 ? (observedRate - expectedRate) / standardError : nil
        }
    }

    public var config: MinHashConfig
    /// Pairs with exact Jaccard at least this are the true duplicates.
    public var threshold: Double
    public var outcomes: [Outcome]
    /// By target, highest first.
    public var bins: [Bin]
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    public var trueNegatives: Int

    /// True matches over all matches; nil when nothing matched.
    public var precision: Double? {
        truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives)
    }

    /// True matches over all true duplicates; nil when there are none.
    public var recall: Double? {
        truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives)
    }

    public init(outcomes: [Outcome], config: MinHashConfig, threshold: Double) {
        self.config = config
        self.threshold = threshold
        self.outcomes = outcomes
        var tp = 0, fp = 0, fn = 0, tn = 0
        for outcome in outcomes {
            switch (outcome.jaccard >= threshold, outcome.matched) {
            case (true, true): tp += 1
            case (false, true): fp += 1
            case (true, false): fn += 1
            case (false, false): tn += 1
            }
        }
        (truePositives, falsePositives, falseNegatives, trueNegatives) = (tp, fp, fn, tn)

        var grouped: [Double: [Outcome]] = [:]
        for outcome in outcomes { grouped[outcome.target, default: []].append(outcome) }
        bins = grouped.keys.sorted(by: >).map { target in
            let members = grouped[target]!
            let probabilities = members.map { LSHEvaluation.theoreticalMatchRate(similarity: $0.jaccard, config: config) }
            let n = Double(members.count)
            let variance = probabilities.reduce(0) { $0 + $1 * (1 - $1) }
            return Bin(target: target, count: members.count, matched: members.count(where: \.matched),
                       minJaccard: members.map(\.jaccard).min()!,
                       meanJaccard: members.reduce(0) { $0 + $1.jaccard } / n,
                       maxJaccard: members.map(\.jaccard).max()!,
                       expectedRate: probabilities.reduce(0, +) / n,
                       standardError: variance.squareRoot() / n)
        }
    }

    /// A table of the bins, then precision and recall.
    public var description: String {
        let r = config.hashesPerBucket, b = config.buckets
        var lines = ["MinHash LSH, \(b) buckets x \(r) hashes, \(config.ngramSize)-gram shingles: "
            + "match rate beside 1-(1-s^\(r))^\(b) at each pair's exact Jaccard s"]
        lines.append(Self.row(["target", "pairs", "Jaccard mean [min, max]", "matched", "observed", "expected",
                               "std.err", "deviation"]))
        for bin in bins {
            let deviation = bin.deviation.map { String(format: "%+.2f se", $0) }
                ?? (bin.observedRate == bin.expectedRate ? "exact" : "off (se 0)")
            lines.append(Self.row([
                bin.target == 0 ? "unrelated" : String(format: "%.2f", bin.target),
                "\(bin.count)",
                String(format: "%.4f [%.4f, %.4f]", bin.meanJaccard, bin.minJaccard, bin.maxJaccard),
                "\(bin.matched)",
                String(format: "%.4f", bin.observedRate),
                String(format: "%.4f", bin.expectedRate),
                String(format: "%.4f", bin.standardError),
                deviation,
            ]))
        }
        let duplicates = truePositives + falseNegatives
        let matched = truePositives + falsePositives
        lines.append(String(format: "duplicates (exact Jaccard >= %.2f): %d of %d pairs; LSH matched %d", threshold,
                            duplicates, outcomes.count, matched))
        lines.append("precision \(precision.map { String(format: "%.4f", $0) } ?? "n/a") "
            + "(\(truePositives) true of \(matched) matches), recall \(recall.map { String(format: "%.4f", $0) } ?? "n/a") "
            + "(\(truePositives) of \(duplicates) duplicates found)")
        return lines.joined(separator: "\n")
    }

    private static let widths = [9, 6, 27, 8, 9, 9, 8, 10]

    private static func row(_ cells: [String]) -> String {
        zip(cells, widths).map { cell, width in
            cell.count >= width ? cell : String(repeating: " ", count: width - cell.count) + cell
        }.joined(separator: " ")
    }
}
