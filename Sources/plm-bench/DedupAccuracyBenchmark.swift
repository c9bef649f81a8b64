import ArgumentParser
import Curation
import CurationTestSupport
import Foundation

/// MinHash LSH accuracy on a generated near-duplicate corpus with known exact Jaccard similarities:
/// match rate per target similarity beside the theoretical curve, and precision/recall at a threshold.
struct DedupAccuracyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup-accuracy",
        abstract: "MinHash LSH match rates on generated near-duplicates beside 1-(1-s^r)^b, with precision and recall.")

    @Option(help: "Document pairs per target similarity.")
    var pairs = 1_000

    @Option(help: "Words per base document.")
    var words = 200

    @Option(help: "Seed of the corpus generator.")
    var seed: UInt64 = 1

    @Option(help: "Target Jaccard similarities (comma-separated; 0 makes unrelated pairs).")
    var targets = "0.9,0.8,0.7,0"

    @Option(help: "Pairs with exact Jaccard at least this are true duplicates, for precision and recall.")
    var threshold = 0.8

    func validate() throws {
        guard pairs > 0 else { throw ValidationError("--pairs must be positive") }
        guard words >= MinHashConfig().ngramSize else { throw ValidationError("--words must be at least one shingle") }
        guard !targetValues.isEmpty, targetValues.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw ValidationError("--targets must be similarities in [0, 1]")
        }
    }

    private var targetValues: [Double] {
        targets.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    func run() throws {
        let config = MinHashConfig()
        var generator = NearDuplicateGenerator(seed: seed)
        var started = Date()
        let corpus = targetValues.flatMap { generator.pairs(target: $0, count: pairs, words: words, config: config) }
        let generated = Date().timeIntervalSince(started)
        started = Date()
        let report = LSHEvaluation.evaluate(pairs: corpus, config: config, threshold: threshold)
        let evaluated = Date().timeIntervalSince(started)

        print("corpus: \(pairs) pairs per target of \(words)-word documents, seed \(seed), "
            + "vocabulary \(generator.vocabularySize) words, tolerance ±\(generator.tolerance)")
        let mutations = NearDuplicateGenerator.MutationKind.allCases
            .map { "\($0.rawValue) \(generator.appliedMutations[$0] ?? 0)" }.joined(separator: ", ")
        print("mutations kept: \(mutations)")
        print(report)
        print(String(format: "generated in %.2f s, signed and compared %d documents in %.2f s",
                     generated, 2 * corpus.count, evaluated))
    }
}
