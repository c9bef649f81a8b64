import Foundation
import Testing
@testable import PLMInference

@Suite struct SamplerTests {
    /// Five tokens whose probabilities (at temperature 1) are known, in an order that is not id order.
    static let probabilities: [Double] = [0.05, 0.4, 0.1, 0.3, 0.15]
    static let logits = probabilities.map { Float(log($0)) }

    /// Only the filters named; the others off.
    static func options(topK: Int = 0, topP: Double = 1, minP: Double = 0, temperature: Double = 1,
                        penalty: Double = 1, window: Int = 64, seed: UInt64 = 0) -> SamplingOptions {
        SamplingOptions(temperature: temperature, topK: topK, topP: topP, minP: minP, repetitionPenalty: penalty,
                        repetitionWindow: window, seed: seed)
    }

    func kept(_ options: SamplingOptions, logits: [Float] = logits, history: [Int32] = []) throws -> [Int32: Double] {
        var sampler = try Sampler(options: options)
        return Dictionary(uniqueKeysWithValues: sampler.distribution(logits: logits, history: history).map { ($0.id, $0.probability) })
    }

    /// `expected` renormalised over `ids`.
    func renormalised(_ ids: [Int32], power: Double = 1) -> [Int32: Double] {
        let weights = ids.map { pow(Self.probabilities[Int($0)], power) }
        let total = weights.reduce(0, +)
        return Dictionary(uniqueKeysWithValues: zip(ids, weights.map { $0 / total }))
    }

    func expectClose(_ a: [Int32: Double], _ b: [Int32: Double], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(a.keys) == Set(b.keys), sourceLocation: sourceLocation)
        for (id, p) in a { #expect(abs(p - (b[id] ?? -1)) < 1e-6, "token \(id)", sourceLocation: sourceLocation) }
    }

    @Test func greedyTiesGoToTheLowestId() throws {
        for options in [SamplingOptions.greedy, SamplingOptions(temperature: 0)] {
            var sampler = try Sampler(options: options)
            #expect(sampler.next(logits: [1, 3, 0, 3, 3], history: []) == 1)
            #expect(sampler.next(logits: [-.infinity, -.infinity], history: []) == 0)
            #expect(sampler.next(logits: [.nan, 2, .nan, .infinity, .infinity], history: []) == 3)
        }
    }

    /// Top-k 1 keeps the argmax (ties to the lowest id), whatever the other settings.
    @Test func topKOneIsGreedy() throws {
        var random = SamplingRandom(seed: 3)
        for trial in 0..<200 {
            // Coarse values, so ties are common.
            let logits = (0..<50).map { _ in Float(random.next() % 8) - 4 }
            let history = (0..<10).map { _ in Int32(random.next() % 50) }
            var greedy = try Sampler(options: SamplingOptions(greedy: true, repetitionPenalty: 1.3))
            var topOne = try Sampler(options: Self.options(topK: 1, topP: 0.9, temperature: 1.5, penalty: 1.3, seed: UInt64(trial)))
            #expect(topOne.next(logits: logits, history: history) == greedy.next(logits: logits, history: history))
        }
    }

    @Test func keptSetsOnADeterministicCase() throws {
        expectClose(try kept(Self.options(topP: 0.65)), renormalised([1, 3]))
        expectClose(try kept(Self.options(topP: 0.69)), renormalised([1, 3]))             // 0.4 + 0.3 reaches it
        expectClose(try kept(Self.options(topP: 0.71)), renormalised([1, 3, 4]))          // it takes 0.15 more
        expectClose(try kept(Self.options(topP: 0.8)), renormalised([1, 3, 4]))
        expectClose(try kept(Self.options(topP: 1)), renormalised([0, 1, 2, 3, 4]))
        expectClose(try kept(Self.options(topP: 0.1)), renormalised([1]))                 // at least one
        expectClose(try kept(Self.options(minP: 0.3)), renormalised([1, 3, 4]))           // >= 0.12
        expectClose(try kept(Self.options(minP: 0.5)), renormalised([1, 3]))              // >= 0.2
        expectClose(try kept(Self.options(topK: 2)), renormalised([1, 3]))
        // Top-p renormalises over what top-k kept: {1, 3, 4} is 0.85, and 0.7 / 0.85 = 0.82 reaches 0.8.
        expectClose(try kept(Self.options(topK: 3, topP: 0.8)), renormalised([1, 3]))
        expectClose(try kept(Self.options(topK: 3, topP: 0.9)), renormalised([1, 3, 4]))
        // Min-p after top-p.
        expectClose(try kept(Self.options(topP: 0.8, minP: 0.5)), renormalised([1, 3]))
        // Temperature comes last and does not change the kept set: T = 2 takes square roots.
        expectClose(try kept(Self.options(topP: 0.8, temperature: 2)), renormalised([1, 3, 4], power: 0.5))
        expectClose(try kept(Self.options(topP: 0.8, temperature: 0.5)), renormalised([1, 3, 4], power: 2))
    }

    /// Draw frequencies match the kept distribution within 5 standard deviations of a binomial count,
    /// and dropped tokens are never drawn.
    @Test(arguments: [
        (SamplerTests.options(topP: 0.8, seed: 1), [Int32(1), 3, 4], 1.0),
        (SamplerTests.options(minP: 0.3, seed: 2), [1, 3, 4], 1.0),
        (SamplerTests.options(topK: 2, seed: 3), [1, 3], 1.0),
        (SamplerTests.options(seed: 4), [0, 1, 2, 3, 4], 1.0),
        (SamplerTests.options(topP: 0.9, temperature: 2, seed: 5), [1, 2, 3, 4], 0.5),
    ])
    func frequenciesMatchTheKeptDistribution(options: SamplingOptions, ids: [Int32], power: Double) throws {
        let draws = 20_000
        var sampler = try Sampler(options: options)
        var counts = [Int](repeating: 0, count: Self.logits.count)
        for _ in 0..<draws { counts[Int(sampler.next(logits: Self.logits, history: []))] += 1 }
        let expected = renormalised(ids, power: power)
        for id in 0..<counts.count {
            let p = expected[Int32(id)] ?? 0
            let sigma = (Double(draws) * p * (1 - p)).squareRoot()
            #expect(abs(Double(counts[id]) - Double(draws) * p) <= 5 * sigma, "token \(id): \(counts[id]) of \(draws), p = \(p)")
        }
    }

    @Test func repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOnce() throws {
        let logits: [Float] = [2, 1.5, -1, -1.2]
        // Tokens 0 and 2 recur; each is penalized once: 2 -> 1, -1 -> -2.
        let p = try kept(Self.options(penalty: 2), logits: logits, history: [0, 2, 0, 2, 0])
        #expect(abs(p[0]! / p[1]! - exp(1.0 - 1.5)) < 1e-5)
        #expect(abs(p[2]! / p[3]! - exp(-2.0 + 1.2)) < 1e-5)
        #expect(abs(p[1]! / p[3]! - exp(1.5 + 1.2)) < 1e-5)
        // Only the window counts: token 0 is outside the last 2.
        let windowed = try kept(Self.options(penalty: 2, window: 2), logits: logits, history: [0, 1, 1])
        #expect(abs(windowed[0]! / windowed[1]! - exp(2.0 - 0.75)) < 1e-5)
        // The penalty changes the greedy choice, and ids outside the vocabulary are ignored.
        var greedy = try Sampler(options: SamplingOptions(greedy: true, repetitionPenalty: 2))
        #expect(greedy.next(logits: logits, history: [0, -1, 99]) == 1)
        #expect(greedy.next(logits: [-1, -1.5], history: [0]) == 1)
        // A penalty below 1 favours recent tokens.
        var favouring = try Sampler(options: SamplingOptions(greedy: true, repetitionPenalty: 0.5))
        #expect(favouring.next(logits: [1, 1.5], history: [0]) == 0)
    }

    @Test func sameSeedSameSequenceDifferentSeedDifferent() throws {
        func sequence(_ seed: UInt64) throws -> [Int32] {
            var sampler = try Sampler(options: Self.options(seed: seed))
            return (0..<200).map { _ in sampler.next(logits: Self.logits, history: []) }
        }
        #expect(try sequence(7) == sequence(7))
        #expect(try sequence(7) != sequence(8))
    }

    /// The generator's first outputs, from an independent implementation of xoshiro256** seeded by
    /// SplitMix64 (Python): the draws are the same on every machine.
    @Test func generatorMatchesTheReference() {
        var zero = SamplingRandom(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
        var other = SamplingRandom(seed: 42)
        #expect(other.next() == 0x1578_0B2E_0C2E_C716)
        var unit = SamplingRandom(seed: 0)
        #expect(unit.nextUnit() == Double(UInt64(0x99EC_5F36_CB75_F2B4) >> 11) * 0x1p-53)
    }

    /// At the size of a real vocabulary, top-k and top-p keep exactly the sets a full sort gives
    /// (top-p here needs thousands of tokens: several rounds of partial selection).
    @Test func largeVocabularyMatchesAFullSort() throws {
        var random = SamplingRandom(seed: 11)
        let vocabulary = 151_936
        let logits = (0..<vocabulary).map { _ in Float(random.nextUnit() * 6).rounded(.down) + Float(random.nextUnit()) }
        let order = (0..<vocabulary).sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        // Compared as counts of missing and extra ids: a failure should not print 150,000 ids.
        func difference(_ got: [Int32: Double], _ want: ArraySlice<Int>) -> (missing: Int, extra: Int) {
            let wanted = Set(want.map(Int32.init)), have = Set(got.keys)
            return (wanted.subtracting(have).count, have.subtracting(wanted).count)
        }
        #expect(difference(try kept(Self.options(topK: 40), logits: logits), order.prefix(40)) == (0, 0))

        let maxLogit = Double(logits[order[0]])
        let weights = order.map { exp(Double(logits[$0]) - maxLogit) }
        let total = weights.reduce(0, +)
        var cumulative = 0.0, count = 0
        while cumulative < 0.9 * total { cumulative += weights[count]; count += 1 }
        #expect(count > 1000)
        #expect(difference(try kept(Self.options(topP: 0.9), logits: logits), order.prefix(count)) == (0, 0))
    }
}

@Suite struct SamplingOptionsTests {
    @Test(arguments: [
        (SamplingOptions(temperature: -0.1), "temperature", "must be a finite number >= 0"),
        (SamplingOptions(topK: -1), "top_k", "must be >= 0"),
        (SamplingOptions(topP: 0), "top_p", "must be in (0, 1]"),
        (SamplingOptions(topP: 1.5), "top_p", "must be in (0, 1]"),
        (SamplingOptions(minP: 1), "min_p", "must be in [0, 1)"),
        (SamplingOptions(minP: -0.1), "min_p", "must be in [0, 1)"),
        (SamplingOptions(repetitionPenalty: 0), "repetition_penalty", "must be a finite number > 0"),
        (SamplingOptions(repetitionWindow: -1), "repetition_window", "must be >= 0"),
        (SamplingOptions(temperature: .nan), "temperature", "must be a finite number >= 0"),
    ])
    func invalidValuesAreNamed(options: SamplingOptions, option: String, rule: String) {
        let error = #expect(throws: SamplingOptionsError.self) { try Sampler(options: options) }
        #expect(error?.option == option)
        #expect(error?.description.contains(rule) == true, "\(String(describing: error))")
    }

    @Test func decodesSnakeCaseWithDefaultsAndRefusesUnknownKeys() throws {
        let options = try JSONDecoder().decode(SamplingOptions.self, from: Data(#"{"top_k": 5, "min_p": 0.1, "seed": 9}"#.utf8))
        #expect(options == SamplingOptions(topK: 5, minP: 0.1, seed: 9))
        let back = try JSONDecoder().decode(SamplingOptions.self, from: JSONEncoder().encode(options))
        #expect(back == options)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SamplingOptions.self, from: Data(#"{"top-p": 0.5}"#.utf8))
        }
        #expect(SamplingOptions(temperature: 0).isGreedy && SamplingOptions.greedy.isGreedy && !SamplingOptions().isGreedy)
    }
}
