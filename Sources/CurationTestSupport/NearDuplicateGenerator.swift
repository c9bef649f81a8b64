import Curation

/// Near-duplicate test corpora with known ground truth, for MinHash LSH tests and benchmarks.
///
/// Base documents are runs of synthetic lowercase pseudo-words (consonant-vowel syllables, so text
/// simplification leaves them as they are) drawn from a Zipf-like vocabulary large enough that
/// unrelated documents share essentially no 5-grams. A variant of a base is made by word
/// substitutions, insertions, deletions and block moves, applied one at a time and each kept only
/// while the exact Jaccard similarity of the two n-gram shingle sets stays above the target band,
/// until it lands within `tolerance` of the target.
///
/// Every random choice comes from a xoshiro256** generator seeded by SplitMix64 and written here,
/// with its own bounded-integer and floating-point draws, so a seed gives the same corpus on every
/// platform and Swift version.
public struct NearDuplicateGenerator: Sendable {
    /// How far from the target the achieved Jaccard similarity may lie.
    public var tolerance: Double
    /// Number of distinct words the documents draw from.
    public let vocabularySize: Int
    /// Mutations kept so far, per kind, over every `mutate` call of this generator.
    public private(set) var appliedMutations: [MutationKind: Int] = [:]

    private var random: Xoshiro256StarStar
    /// Cumulative Zipf weights of the vocabulary ranks (last element 1).
    private let cumulative: [Double]

    /// - Parameters:
    ///   - seed: Everything generated follows from it.
    ///   - vocabularySize: Distinct words, 2...`maximumVocabularySize` (words of one to three syllables).
    ///   - zipfExponent: Word `r` (from 1) is drawn with weight `1 / r^zipfExponent`; 0 is uniform.
    ///   - tolerance: Largest allowed distance between achieved and target Jaccard similarity.
    public init(seed: UInt64, vocabularySize: Int = 50_000, zipfExponent: Double = 1.0, tolerance: Double = 0.01) {
        precondition(vocabularySize >= 2 && vocabularySize <= Self.maximumVocabularySize,
                     "vocabulary size must be in 2...\(Self.maximumVocabularySize)")
        precondition(tolerance > 0 && tolerance < 0.5, "tolerance must be in (0, 0.5)")
        self.vocabularySize = vocabularySize
        self.tolerance = tolerance
        random = Xoshiro256StarStar(seed: seed)
        var weights = [Double](repeating: 0, count: vocabularySize)
        var total = 0.0
        for rank in 0..<vocabularySize {
            total += 1 / Self.power(Double(rank + 1), zipfExponent)
            weights[rank] = total
        }
        for rank in 0..<vocabularySize { weights[rank] /= total }
        weights[vocabularySize - 1] = 1
        cumulative = weights
    }

    // MARK: Vocabulary

    private static let consonants = Array("bdfghjklmnprstvwz".utf8)  // 17
    private static let vowels = Array("aeiou".utf8)  // 5
    private static var syllables: Int { consonants.count * vowels.count }  // 85
    /// One-, two- and three-syllable words.
    public static let maximumVocabularySize = 85 + 85 * 85 + 85 * 85 * 85

    /// The word of a vocabulary rank (0 is the most frequent): the shortest words come first, and
    /// words of different syllable counts differ in length, so every rank gives a distinct word.
    public static func word(rank: Int) -> String {
        precondition(rank >= 0 && rank < maximumVocabularySize)
        var index = rank
        var length = 1
        var block = syllables
        while index >= block {
            index -= block
            length += 1
            block *= syllables
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2 * length)
        for _ in 0..<length {
            let syllable = index % syllables
            index /= syllables
            bytes.append(consonants[syllable / vowels.count])
            bytes.append(vowels[syllable % vowels.count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A vocabulary rank drawn with Zipf weights.
    private mutating func drawRank() -> Int {
        let u = random.nextDouble()
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > u { high = middle } else { low = middle + 1 }
        }
        return low
    }

    public mutating func drawWord() -> String { Self.word(rank: drawRank()) }

    // MARK: Documents

    /// A base document of `words` words.
    public mutating func document(words: Int) -> [String] {
        precondition(words >= 0)
        return (0..<words).map { _ in drawWord() }
    }

    // MARK: Mutations

    public enum MutationKind: String, Sendable, CaseIterable, Comparable {
        /// One word replaced by a different one.
        case substitution
        /// One new word inserted.
        case insertion
        /// One word removed.
        case deletion
        /// A run of words cut out and put back elsewhere (the words stay the same, their order changes).
        case blockMove

        public static func < (lhs: Self, rhs: Self) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// A mutated document and what was done to make it.
    public struct Mutated: Sendable, Equatable {
        public var words: [String]
        /// Exact Jaccard similarity of the original's and these words' n-gram sets.
        public var jaccard: Double
        /// Mutations kept, per kind.
        public var applied: [MutationKind: Int]
        /// False when no mix of the allowed mutations reached the target band within the attempt
        /// budget (only for targets a kind cannot reach, such as block moves alone on a short text).
        public var reachedTarget: Bool
    }

    /// Most mutation attempts (kept or undone) per `mutate` call.
    public var maximumAttempts = 20_000

    /// Mutates `words` until the exact Jaccard similarity of the word n-gram sets (as sets: repeated
    /// n-grams count once) is within `tolerance` of `targetJaccard`. Each step applies one mutation
    /// of a kind drawn from `kinds` at a random place and keeps it only when the similarity is still
    /// at least `targetJaccard - tolerance`; after repeated overshoots it tries mutations near the
    /// document's ends and earlier edits, which change fewer n-grams, until one lands in the band.
    public mutating func mutate(_ words: [String], targetJaccard: Double, ngram: Int = 5,
                                kinds: Set<MutationKind> = Set(MutationKind.allCases)) -> Mutated {
        precondition(ngram >= 1, "n-grams need at least one word")
        precondition(words.count >= ngram, "the document must hold at least one n-gram")
        precondition(targetJaccard >= 0 && targetJaccard <= 1, "target Jaccard must be in [0, 1]")
        precondition(!kinds.isEmpty, "at least one mutation kind is needed")
        let order = kinds.sorted()  // a fixed order, so draws do not depend on Set iteration order

        // Words become small integer ids (new words get their own ids as they appear); n-grams of
        // ids are compared through a 64-bit mix of the ids, which tells distinct n-grams apart up
        // to collisions of probability ~2^-64, as xxhash64 does for MinHash itself.
        var ids: [String: UInt32] = [:]
        func id(_ word: String) -> UInt32 {
            if let known = ids[word] { return known }
            let next = UInt32(ids.count)
            ids[word] = next
            return next
        }
        let original = words.map(id)
        let reference = Set(Self.ngramKeys(original, n: ngram))

        var current = original
        var similarity = 1.0
        var applied: [MutationKind: Int] = [:]
        /// Positions (in `current`) near earlier edits, where new edits overlap old damage.
        var sites: [Int] = []
        var failures = 0
        var attempts = 0
        let low = targetJaccard - tolerance
        let high = targetJaccard + tolerance

        while similarity > high && attempts < maximumAttempts {
            attempts += 1
            let kind = order[random.next(below: order.count)]
            // After a few overshoots, aim small: near an end of the text or an earlier edit.
            let fine = failures >= 3
            guard let (candidate, site) = propose(kind, current, ngram: ngram, fine: fine, sites: sites,
                                                  newWord: { id($0) }) else {
                failures += 1
                continue
            }
            let value = Self.jaccard(reference, Set(Self.ngramKeys(candidate, n: ngram)))
            if value >= low && value < similarity {
                current = candidate
                similarity = value
                applied[kind, default: 0] += 1
                appliedMutations[kind, default: 0] += 1
                sites.append(site)
                failures = 0
            } else {
                failures += 1
            }
        }
        var names = [String](repeating: "", count: ids.count)
        for (word, index) in ids { names[Int(index)] = word }
        return Mutated(words: current.map { names[Int($0)] }, jaccard: similarity, applied: applied,
                       reachedTarget: similarity <= high)
    }

    /// One mutation of `kind` applied to a copy of `words`, and a position near the edit; nil when
    /// the text is too short for it.
    private mutating func propose(_ kind: MutationKind, _ words: [UInt32], ngram: Int, fine: Bool, sites: [Int],
                                  newWord: (String) -> UInt32) -> ([UInt32], Int)? {
        var result = words
        let count = words.count
        guard count > 0 else { return nil }

        /// A position in 0..<limit: anywhere, or (fine) within an n-gram of an end or of an earlier edit.
        func position(_ limit: Int) -> Int {
            guard limit > 1 else { return 0 }
            guard fine else { return random.next(below: limit) }
            let offset = random.next(below: ngram)
            switch random.next(below: sites.isEmpty ? 2 : 3) {
            case 0: return min(offset, limit - 1)
            case 1: return max(limit - 1 - offset, 0)
            default:
                let site = sites[random.next(below: sites.count)]
                let shifted = site + offset - ngram / 2
                return min(max(shifted, 0), limit - 1)
            }
        }
        func freshWord(differentFrom old: UInt32?) -> UInt32 {
            while true {
                let word = newWord(drawWord())
                if word != old { return word }
            }
        }

        switch kind {
        case .substitution:
            let at = position(count)
            result[at] = freshWord(differentFrom: words[at])
            return (result, at)
        case .insertion:
            let at = position(count + 1)
            result.insert(freshWord(differentFrom: nil), at: at)
            return (result, at)
        case .deletion:
            guard count > ngram else { return nil }  // keep at least one n-gram
            let at = position(count)
            result.remove(at: at)
            return (result, at)
        case .blockMove:
            guard count >= 2 else { return nil }
            // Cut [start, end) and insert it at `target` (an index into what is left).
            let longest = max(1, min(count - 1, max(2 * ngram, count / 8)))
            let length = 1 + random.next(below: longest)
            let start: Int
            if fine && random.next(below: 2) == 0 {
                // A block ending at an end of the text or starting near an earlier edit.
                start = random.next(below: 2) == 0 ? count - length : min(position(count), count - length)
            } else {
                start = random.next(below: count - length + 1)
            }
            let block = Array(words[start..<(start + length)])
            result.removeSubrange(start..<(start + length))
            var target = fine ? position(result.count + 1) : random.next(below: result.count + 1)
            if target == start {  // putting it back where it was changes nothing
                target = target == 0 ? result.count : 0
            }
            result.insert(contentsOf: block, at: target)
            return (result, target)
        }
    }

    /// 64-bit keys of the n-grams of an id sequence, in order.
    static func ngramKeys(_ words: [UInt32], n: Int) -> [UInt64] {
        guard words.count >= n else { return [] }
        var keys: [UInt64] = []
        keys.reserveCapacity(words.count - n + 1)
        for first in 0...(words.count - n) {
            var key: UInt64 = 0x9E37_79B9_7F4A_7C15
            for index in first..<(first + n) {
                key = SplitMix64.mix(key &+ UInt64(words[index]) &* 0xBF58_476D_1CE4_E5B9)
            }
            keys.append(key)
        }
        return keys
    }

    /// |a ∩ b| / |a ∪ b|; 1 when both are empty.
    public static func jaccard(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        var shared = 0
        for element in small where large.contains(element) { shared += 1 }
        let union = a.count + b.count - shared
        return union == 0 ? 1 : Double(shared) / Double(union)
    }

    // MARK: Labelled corpora

    /// `count` document pairs near `target`: a base and a mutated variant, or for `target` 0 two
    /// independent documents. `jaccard` is measured on the shingle sets MinHash itself uses
    /// (`MinHasher.shingles` of the texts with `config`'s n-gram size).
    public mutating func pairs(target: Double, count: Int, words: Int,
                               config: MinHashConfig = MinHashConfig()) -> [LabelledPair] {
        precondition(count >= 0)
        let hasher = MinHasher(config: config)
        var result: [LabelledPair] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            let base = document(words: words)
            let other: [String]
            if target == 0 {
                other = document(words: words)
            } else {
                other = mutate(base, targetJaccard: target, ngram: config.ngramSize).words
            }
            let a = base.joined(separator: " ")
            let b = other.joined(separator: " ")
            let similarity = Self.jaccard(Set(hasher.shingles(a)), Set(hasher.shingles(b)))
            result.append(LabelledPair(a: a, b: b, jaccard: similarity, target: target))
        }
        return result
    }

    /// A corpus for several targets at once, cheaper to sign: `count` base documents, each paired
    /// with one variant per target above 0; for target 0 each base is paired with the next one
    /// (the last with the first), which is unrelated to it. Pairs within a target are independent;
    /// pairs of different targets share bases. Needs `count >= 2` when a target is 0.
    public mutating func corpus(targets: [Double], count: Int, words: Int,
                                config: MinHashConfig = MinHashConfig()) -> [LabelledPair] {
        precondition(count >= 0 && (count >= 2 || !targets.contains(0)))
        let hasher = MinHasher(config: config)
        let bases = (0..<count).map { _ in document(words: words) }
        let texts = bases.map { $0.joined(separator: " ") }
        let shingles = texts.map { Set(hasher.shingles($0)) }
        var result: [LabelledPair] = []
        result.reserveCapacity(count * targets.count)
        for target in targets {
            for index in 0..<count {
                if target == 0 {
                    let other = (index + 1) % count
                    result.append(LabelledPair(a: texts[index], b: texts[other],
                                               jaccard: Self.jaccard(shingles[index], shingles[other]), target: 0))
                } else {
                    let variant = mutate(bases[index], targetJaccard: target, ngram: config.ngramSize).words
                        .joined(separator: " ")
                    result.append(LabelledPair(a: texts[index], b: variant,
                                               jaccard: Self.jaccard(shingles[index], Set(hasher.shingles(variant))),
                                               target: target))
                }
            }
        }
        return result
    }

    static func power(_ base: Double, _ exponent: Double) -> Double {
        // exp(exponent * ln base) with the platform's libm would be fine numerically, but the
        // generator is meant to be bit-identical everywhere: for the exponents used in practice
        // (0 and 1) no transcendental function is needed.
        if exponent == 0 { return 1 }
        if exponent == 1 { return base }
        if exponent == 2 { return base * base }
        return Self.exp(exponent * Self.log(base))
    }

    /// Natural log by argument reduction to [1, 2) and the atanh series (deterministic, ~1e-15).
    static func log(_ x: Double) -> Double {
        precondition(x > 0)
        var mantissa = x
        var exponent = 0.0
        while mantissa >= 2 { mantissa /= 2; exponent += 1 }
        while mantissa < 1 { mantissa *= 2; exponent -= 1 }
        let t = (mantissa - 1) / (mantissa + 1)
        let t2 = t * t
        var term = t
        var sum = 0.0
        var k = 1.0
        while abs(term / k) > 1e-17 {
            sum += term / k
            term *= t2
            k += 2
        }
        return 2 * sum + exponent * 0.693_147_180_559_945_309_417
    }

    /// e^x by halving to |x| < 1/1024 and the Taylor series (deterministic, ~1e-14 relative).
    static func exp(_ x: Double) -> Double {
        var reduced = x
        var squarings = 0
        while abs(reduced) > 1.0 / 1024 { reduced /= 2; squarings += 1 }
        var term = 1.0
        var sum = 1.0
        for k in 1...12 {
            term *= reduced / Double(k)
            sum += term
        }
        for _ in 0..<squarings { sum *= sum }
        return sum
    }
}

/// Two texts and the exact Jaccard similarity of their shingle sets.
public struct LabelledPair: Sendable, Equatable {
    public var a: String
    public var b: String
    /// Exact Jaccard similarity of the two shingle sets.
    public var jaccard: Double
    /// The similarity the pair was made for (0: unrelated documents).
    public var target: Double

    public init(a: String, b: String, jaccard: Double, target: Double) {
        self.a = a
        self.b = b
        self.jaccard = jaccard
        self.target = target
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): seeds xoshiro and mixes n-gram keys.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman, Vigna 2018), with platform-independent bounded and unit draws.
struct Xoshiro256StarStar: Sendable {
    private var s0, s1, s2, s3: UInt64

    init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in 0..<bound (Lemire's multiply-shift with rejection, so unbiased).
    mutating func next(below bound: Int) -> Int {
        precondition(bound > 0)
        let range = UInt64(bound)
        let threshold = (0 &- range) % range
        while true {
            let (high, low) = range.multipliedFullWidth(by: next())
            if low >= threshold { return Int(high) }
        }
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
