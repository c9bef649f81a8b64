@testable import CurationTestSupport
import Foundation
import Testing
@testable import Curation

private typealias Kind = NearDuplicateGenerator.MutationKind

/// The exact Jaccard similarity of two texts' shingle sets as MinHash sees them.
private func shingleJaccard(_ a: String, _ b: String, config: MinHashConfig = MinHashConfig()) -> Double {
    let hasher = MinHasher(config: config)
    return NearDuplicateGenerator.jaccard(Set(hasher.shingles(a)), Set(hasher.shingles(b)))
}

/// A labelled corpus shared by the LSH tests, made and signed once: 300 base documents of 200
/// words, each with a variant at 0.9, 0.8 and 0.7 and paired with the next base as an unrelated pair.
private enum Corpus {
    static let targets: [Double] = [0.9, 0.8, 0.7, 0]
    static let pairsPerTarget = 300
    static let pairs: [LabelledPair] = {
        var generator = NearDuplicateGenerator(seed: 20_240_601)
        return generator.corpus(targets: targets, count: pairsPerTarget, words: 200)
    }()
    static let signatures = LSHEvaluation.signatures(of: pairs, config: MinHashConfig())
}

/// Bins whose observed match rate is further from theory than 4 standard errors plus one pair
/// (the extra pair keeps near-certain bins, where a single miss is already several errors, fair).
private func offCurve(_ report: LSHReport) -> [LSHReport.Bin] {
    report.bins.filter { abs($0.observedRate - $0.expectedRate) > 4 * $0.standardError + 1 / Double($0.count) }
}

@Suite("Near-duplicate generator")
struct NearDuplicateGeneratorTests {
    @Test("vocabulary words are distinct, lowercase ASCII and unchanged by text simplification")
    func vocabulary() {
        let ranks = Array(0..<300) + [84, 85, 86, 7_309, 7_310, 7_311, 49_999, NearDuplicateGenerator.maximumVocabularySize - 1]
        let words = ranks.map { NearDuplicateGenerator.word(rank: $0) }
        #expect(Set(words).count == Set(ranks).count)
        for word in words {
            #expect(!word.isEmpty && word.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A }, "\(word)")
        }
        var generator = NearDuplicateGenerator(seed: 3)
        let text = generator.document(words: 500).joined(separator: " ")
        #expect(TextSimplifier.simplify(text) == text)
    }

    @Test("Zipf-like draws: frequent ranks dominate, yet unrelated documents share no shingles")
    func unrelatedDocuments() {
        var generator = NearDuplicateGenerator(seed: 11)
        let words = generator.document(words: 20_000)
        var counts: [String: Int] = [:]
        for word in words { counts[word, default: 0] += 1 }
        let top = counts[NearDuplicateGenerator.word(rank: 0)] ?? 0
        // Zipf exponent 1 over 50k words: rank 0 has probability 1/H(50000) ~ 0.088.
        #expect(top > 1_400 && top < 2_100, "rank 0 drawn \(top) times of 20000")
        #expect(counts.count > 5_000, "only \(counts.count) distinct words")
        let pairs = generator.pairs(target: 0, count: 50, words: 200)
        #expect(pairs.allSatisfy { $0.jaccard == 0 && $0.target == 0 })
    }

    @Test("variants land within tolerance of the target, measured on MinHash's own shingles",
          arguments: [0.5, 0.7, 0.8, 0.9, 0.95])
    func hitsTargets(_ target: Double) {
        var generator = NearDuplicateGenerator(seed: UInt64(target * 1000))
        for words in [60, 200, 1_000] {
            for _ in 0..<5 {
                let base = generator.document(words: words)
                let variant = generator.mutate(base, targetJaccard: target)
                #expect(variant.reachedTarget)
                #expect(abs(variant.jaccard - target) <= generator.tolerance,
                        "\(words) words: \(variant.jaccard) for target \(target)")
                // The word n-gram Jaccard the generator steers by is the shingle Jaccard MinHash sees.
                let exact = shingleJaccard(base.joined(separator: " "), variant.words.joined(separator: " "))
                #expect(exact == variant.jaccard)
            }
        }
        let pairs = generator.pairs(target: target, count: 20, words: 200)
        #expect(pairs.allSatisfy { abs($0.jaccard - target) <= generator.tolerance && $0.target == target })
        #expect(pairs.allSatisfy { $0.jaccard == shingleJaccard($0.a, $0.b) })
    }

    @Test("other n-gram sizes and a tighter tolerance")
    func otherSettings() {
        var generator = NearDuplicateGenerator(seed: 5, tolerance: 0.005)
        for ngram in [1, 3, 8] {
            let config = MinHashConfig(ngramSize: ngram)
            let base = generator.document(words: 300)
            let variant = generator.mutate(base, targetJaccard: 0.75, ngram: ngram)
            #expect(variant.reachedTarget && abs(variant.jaccard - 0.75) <= 0.005, "n=\(ngram): \(variant.jaccard)")
            #expect(variant.jaccard == shingleJaccard(base.joined(separator: " "), variant.words.joined(separator: " "),
                                                      config: config))
        }
    }

    @Test("the same seed gives the same corpus; another seed another")
    func deterministic() {
        var first = NearDuplicateGenerator(seed: 42)
        var second = NearDuplicateGenerator(seed: 42)
        var other = NearDuplicateGenerator(seed: 43)
        let a = first.pairs(target: 0.8, count: 10, words: 150)
        let b = second.pairs(target: 0.8, count: 10, words: 150)
        let c = other.pairs(target: 0.8, count: 10, words: 150)
        #expect(a == b)
        #expect(a != c)
        #expect(first.appliedMutations == second.appliedMutations)
        // Pinned values: a change to the PRNG, vocabulary or mutation strategy shows up here.
        var pinned = NearDuplicateGenerator(seed: 1)
        #expect(pinned.document(words: 8) == Self.pinnedDocument)
    }

    static let pinnedDocument = ["wigo", "mabe", "nubo", "no", "pugi", "bi", "ba", "mi"]

    @Test("substitutions alone: same length, words replaced in place")
    func substitutionOnly() {
        var generator = NearDuplicateGenerator(seed: 7)
        let base = generator.document(words: 200)
        let variant = generator.mutate(base, targetJaccard: 0.8, kinds: [.substitution])
        #expect(variant.reachedTarget && abs(variant.jaccard - 0.8) <= 0.01)
        #expect(Set(variant.applied.keys) == [.substitution])
        #expect(variant.words.count == base.count)
        let changed = zip(base, variant.words).filter { $0 != $1 }.count
        #expect(changed >= 1 && changed <= variant.applied[.substitution]!)
    }

    @Test("insertions alone: the original is a subsequence, one word longer per insertion")
    func insertionOnly() {
        var generator = NearDuplicateGenerator(seed: 8)
        let base = generator.document(words: 200)
        let variant = generator.mutate(base, targetJaccard: 0.8, kinds: [.insertion])
        #expect(variant.reachedTarget && abs(variant.jaccard - 0.8) <= 0.01)
        #expect(Set(variant.applied.keys) == [.insertion])
        #expect(variant.words.count == base.count + variant.applied[.insertion]!)
        #expect(isSubsequence(base, of: variant.words))
    }

    @Test("deletions alone: a subsequence of the original, one word shorter per deletion")
    func deletionOnly() {
        var generator = NearDuplicateGenerator(seed: 9)
        let base = generator.document(words: 200)
        let variant = generator.mutate(base, targetJaccard: 0.8, kinds: [.deletion])
        #expect(variant.reachedTarget && abs(variant.jaccard - 0.8) <= 0.01)
        #expect(Set(variant.applied.keys) == [.deletion])
        #expect(variant.words.count == base.count - variant.applied[.deletion]!)
        #expect(isSubsequence(variant.words, of: base))
    }

    @Test("block moves alone: the same words in another order")
    func blockMoveOnly() {
        var generator = NearDuplicateGenerator(seed: 10)
        for target in [0.9, 0.8, 0.7] {
            let base = generator.document(words: 200)
            let variant = generator.mutate(base, targetJaccard: target, kinds: [.blockMove])
            #expect(variant.reachedTarget && abs(variant.jaccard - target) <= 0.01, "\(variant.jaccard) for \(target)")
            #expect(Set(variant.applied.keys) == [.blockMove])
            #expect(variant.words != base)
            #expect(variant.words.sorted() == base.sorted())
        }
    }

    @Test("the default mix uses every kind of mutation")
    func mixedKinds() {
        var generator = NearDuplicateGenerator(seed: 12)
        _ = generator.pairs(target: 0.7, count: 40, words: 200)
        for kind in Kind.allCases {
            #expect((generator.appliedMutations[kind] ?? 0) >= 10, "\(kind): \(generator.appliedMutations)")
        }
    }

    @Test("a multi-target corpus pairs each base with one variant per target and with the next base")
    func corpusLayout() {
        var generator = NearDuplicateGenerator(seed: 13)
        let pairs = generator.corpus(targets: [0.85, 0], count: 6, words: 120)
        #expect(pairs.map(\.target) == [Double](repeating: 0.85, count: 6) + [Double](repeating: 0, count: 6))
        let bases = pairs.prefix(6).map(\.a)
        #expect(Set(bases).count == 6)
        #expect(pairs.suffix(6).map(\.a) == bases)
        #expect(pairs.suffix(6).map(\.b) == Array(bases.dropFirst()) + [bases[0]])
        for pair in pairs {
            #expect(pair.jaccard == shingleJaccard(pair.a, pair.b))
            #expect(abs(pair.jaccard - pair.target) <= 0.01)
        }
    }

    @Test("Jaccard of sets")
    func jaccard() {
        #expect(NearDuplicateGenerator.jaccard([1, 2, 3], [2, 3, 4]) == 0.5)
        #expect(NearDuplicateGenerator.jaccard([1, 2], [3]) == 0)
        #expect(NearDuplicateGenerator.jaccard([], []) == 1)
        #expect(NearDuplicateGenerator.jaccard([7], [7]) == 1)
    }

    private func isSubsequence(_ small: [String], of large: [String]) -> Bool {
        var index = small.startIndex
        for word in large where index < small.endIndex && small[index] == word { index += 1 }
        return index == small.endIndex
    }
}

@Suite("MinHash LSH against exact Jaccard")
struct LSHEvaluationTests {
    @Test("theoretical match rates are FORMATS.md's")
    func theory() {
        let config = MinHashConfig()
        let rate = { LSHEvaluation.theoreticalMatchRate(similarity: $0, config: config) }
        #expect(abs(rate(0.7) - 0.5643) < 0.0005)
        #expect(abs(rate(0.8) - 0.9235) < 0.0005)
        #expect(abs(rate(0.9) - 0.9996) < 0.0001)
        #expect(rate(0) == 0 && rate(1) == 1)
    }

    @Test("a band matches only when all of its minima agree, band against the same band")
    func bandComparison() {
        let config = MinHashConfig(buckets: 3, hashesPerBucket: 2)
        let a: [UInt64] = [1, 2, 3, 4, 5, 6]
        #expect(LSHEvaluation.matches(a, a, config: config))
        #expect(LSHEvaluation.matches(a, [9, 9, 3, 4, 9, 9], config: config))
        #expect(!LSHEvaluation.matches(a, [1, 9, 9, 4, 5, 9], config: config), "one minimum per band is not a match")
        #expect(!LSHEvaluation.matches(a, [3, 4, 5, 6, 1, 2], config: config), "equal bands at other places")
        #expect(!LSHEvaluation.matches(a, [9, 1, 2, 9, 9, 9], config: config), "straddling two bands")
    }

    @Test("match rates follow 1-(1-s^8)^14 within 4 standard errors; unrelated pairs never match")
    func followsTheory() {
        let report = LSHEvaluation.evaluate(pairs: Corpus.pairs, signatures: Corpus.signatures,
                                            config: MinHashConfig(), threshold: 0.8, matcher: LSHEvaluation.matches)
        print(report)
        #expect(report.bins.map(\.target) == Corpus.targets)
        #expect(report.bins.allSatisfy { $0.count == Corpus.pairsPerTarget })
        #expect(offCurve(report).isEmpty, "\(report)")
        let unrelated = report.bins.last!
        #expect(unrelated.target == 0 && unrelated.matched == 0 && unrelated.maxJaccard == 0)
        // The bins hold what they say.
        for bin in report.bins where bin.target > 0 {
            #expect(bin.minJaccard >= bin.target - 0.01 && bin.maxJaccard <= bin.target + 0.01)
        }
        // At 0.7 a test this size tells the curve from a coin flip and from certainty.
        let low = report.bins.first { $0.target == 0.7 }!
        #expect(low.standardError < 0.035 && low.observedRate > 0.4 && low.observedRate < 0.72)
    }

    @Test("a wrong bucket comparison is caught by the same check")
    func wrongBandsAreCaught() {
        let config = MinHashConfig()
        let r = config.hashesPerBucket
        // Any single minimum equal (bands ignored).
        let anyMinimum: ([UInt64], [UInt64], MinHashConfig) -> Bool = { a, b, _ in zip(a, b).contains { $0 == $1 } }
        // Every band must match (AND instead of OR).
        let allBands: ([UInt64], [UInt64], MinHashConfig) -> Bool = { a, b, _ in a == b }
        // Bands of half the size (16 pseudo-bands of 4 over the first 64 minima).
        let shortBands: ([UInt64], [UInt64], MinHashConfig) -> Bool = { a, b, _ in
            (0..<16).contains { a[($0 * 4)..<($0 * 4 + 4)] == b[($0 * 4)..<($0 * 4 + 4)] }
        }
        // Only the first 7 bands looked at.
        let halfTheBands: ([UInt64], [UInt64], MinHashConfig) -> Bool = { a, b, _ in
            (0..<7).contains { a[($0 * r)..<($0 * r + r)] == b[($0 * r)..<($0 * r + r)] }
        }
        for (name, matcher) in [("any minimum", anyMinimum), ("all bands", allBands), ("bands of 4", shortBands),
                                ("7 of 14 bands", halfTheBands)] {
            let report = LSHEvaluation.evaluate(pairs: Corpus.pairs, signatures: Corpus.signatures, config: config,
                                                threshold: 0.8, matcher: matcher)
            #expect(!offCurve(report).isEmpty, "\(name) passed the curve check:\n\(report)")
        }
    }

    @Test("precision and recall on hand-made outcomes")
    func precisionRecall() {
        let config = MinHashConfig()
        let outcomes = [
            LSHReport.Outcome(target: 0.9, jaccard: 0.95, matched: true),   // true positive
            LSHReport.Outcome(target: 0.9, jaccard: 0.90, matched: true),   // true positive
            LSHReport.Outcome(target: 0.8, jaccard: 0.80, matched: false),  // false negative (>= threshold)
            LSHReport.Outcome(target: 0.8, jaccard: 0.79, matched: true),   // false positive
            LSHReport.Outcome(target: 0.7, jaccard: 0.70, matched: true),   // false positive
            LSHReport.Outcome(target: 0.7, jaccard: 0.71, matched: true),   // false positive
            LSHReport.Outcome(target: 0, jaccard: 0, matched: false),       // true negative
        ]
        let report = LSHReport(outcomes: outcomes, config: config, threshold: 0.8)
        #expect(report.truePositives == 2 && report.falsePositives == 3)
        #expect(report.falseNegatives == 1 && report.trueNegatives == 1)
        #expect(report.precision == 2.0 / 5.0)
        #expect(report.recall == 2.0 / 3.0)
        #expect(report.bins.map(\.target) == [0.9, 0.8, 0.7, 0])
        #expect(report.bins.map(\.matched) == [2, 1, 2, 0])
        let seventy = report.bins[2]
        #expect(seventy.observedRate == 1 && abs(seventy.meanJaccard - 0.705) < 1e-12)
        let p = [0.70, 0.71].map { LSHEvaluation.theoreticalMatchRate(similarity: $0, config: config) }
        #expect(abs(seventy.expectedRate - (p[0] + p[1]) / 2) < 1e-12)
        #expect(abs(seventy.standardError - (p[0] * (1 - p[0]) + p[1] * (1 - p[1])).squareRoot() / 2) < 1e-12)
        #expect(report.bins[3].standardError == 0 && report.bins[3].deviation == nil)

        let nothing = LSHReport(outcomes: [LSHReport.Outcome(target: 0, jaccard: 0, matched: false)],
                                config: config, threshold: 0.8)
        #expect(nothing.precision == nil && nothing.recall == nil)
    }

    @Test("precision and recall on real texts")
    func realTexts() {
        var generator = NearDuplicateGenerator(seed: 99)
        let base = generator.document(words: 100).joined(separator: " ")
        let other = generator.document(words: 100).joined(separator: " ")
        let short = "too short to shingle"
        let pairs = [
            LabelledPair(a: base, b: base, jaccard: 1, target: 1),           // identical: must match
            LabelledPair(a: base, b: base.uppercased(), jaccard: 1, target: 1),  // equal after simplification
            LabelledPair(a: base, b: other, jaccard: 0, target: 0),          // unrelated: must not match
            LabelledPair(a: short, b: short, jaccard: 1, target: 1),         // no shingles: never matched
        ]
        let report = LSHEvaluation.evaluate(pairs: pairs, config: MinHashConfig(), threshold: 0.8)
        #expect(report.outcomes.map(\.matched) == [true, true, false, false])
        #expect(report.truePositives == 2 && report.falseNegatives == 1 && report.falsePositives == 0)
        #expect(report.precision == 1 && report.recall == 2.0 / 3.0)
        #expect(report.description.contains("precision 1.0000"))
    }
}

