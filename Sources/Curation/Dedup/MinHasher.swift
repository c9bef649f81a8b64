import CorpusIO

/// Computes MinHash signatures exactly as datatrove's `MinhashDedupSignature` does with a
/// whitespace word tokenizer: xxhash64 (seed 0) of each n-gram of simplified words joined by
/// spaces, then for each permutation `((h * a + b) mod 2^64) mod (2^61 - 1)`, minimum over shingles.
public struct MinHasher: Sendable {
    public let config: MinHashConfig
    /// Permutation parameters, `hashCount` each.
    private let a: [UInt64]
    private let b: [UInt64]

    public init(config: MinHashConfig) {
        self.config = config
        (a, b) = MinHashPermutations.parameters(count: config.hashCount, seed: config.seed)
    }

    /// Which permutation kernel this CPU runs ("avx2" or "portable"), for benchmarks and logs.
    public static var kernelName: String { MinHashKernel.hasAVX2 ? "avx2" : "portable" }

    /// The shingle hashes of a text, in order (duplicates kept).
    public func shingles(_ text: String) -> [UInt64] {
        var simplifier = TextSimplifier()
        var result: [UInt64] = []
        forEachShingle(text, simplifier: &simplifier) { result.append($0) }
        return result
    }

    /// The signature (`hashCount` minima, bucket after bucket), or nil when the text has fewer
    /// tokens than one shingle: such documents are never matched (and always kept).
    public func signature(_ text: String) -> [UInt64]? {
        var simplifier = TextSimplifier()
        var signature = [UInt64](repeating: 0, count: config.hashCount)
        let found = signature.withUnsafeMutableBufferPointer { self.signature(text, simplifier: &simplifier, into: $0) }
        return found ? signature : nil
    }

    /// Fills `output` with the signature; returns false when there is no shingle. The caller keeps
    /// the simplifier (and its cache) across documents.
    public func signature(_ text: String, simplifier: inout TextSimplifier,
                          into output: UnsafeMutableBufferPointer<UInt64>) -> Bool {
        precondition(output.count == config.hashCount)
        var shingles: [UInt64] = []
        forEachShingle(text, simplifier: &simplifier) { shingles.append($0) }
        guard !shingles.isEmpty else { return false }
        // Int64.max, not UInt64.max: the AVX2 kernel compares as signed (every reduced value is
        // below 2^61, so this start is above all of them either way).
        output.update(repeating: UInt64(Int64.max))
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                shingles.withUnsafeBufferPointer { MinHashKernel.fold($0, a: a, b: b, into: output) }
            }
        }
        return true
    }

    /// Calls `body` with the hash of each n-gram.
    func forEachShingle(_ text: String, simplifier: inout TextSimplifier, _ body: (UInt64) -> Void) {
        let tokens: [UInt8]
        switch config.shingling {
        case .words:
            switch config.wordTokenizer {
            // The simplifier's output is already the words joined by single spaces.
            case .whitespace: tokens = simplifier.simplify(text)
            }
        case .code: tokens = CodeTokenizer.tokens(text)
        }
        tokens.withUnsafeBytes { raw in
            // The token text is single-spaced, so an n-gram joined by spaces is just the bytes from
            // its first word's start to its last word's end. A ring of the last n word starts.
            let n = config.ngramSize
            var starts = [Int](repeating: 0, count: n)
            var words = 0
            var start = 0
            let count = raw.count
            var index = 0
            while index <= count {
                if index == count || raw[index] == 0x20 {
                    if index > start {
                        starts[words % n] = start
                        words += 1
                        if words >= n {
                            let first = starts[(words - n) % n]
                            body(XXHash.xxh64(UnsafeRawBufferPointer(rebasing: raw[first..<index]), seed: 0))
                        }
                    }
                    start = index + 1
                }
                index += 1
            }
        }
    }
}

/// Tokens for code-aware shingling: identifier/number runs and single visible symbols, joined by
/// single spaces; case and punctuation are kept because in code they carry meaning.
enum CodeTokenizer {
    static func tokens(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var inWord = false
        for byte in text.utf8 {
            let isWord = byte >= 0x80 || byte == 0x5F || (byte >= 0x30 && byte <= 0x39)
                || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
            if isWord {
                if !inWord && !out.isEmpty { out.append(0x20) }
                out.append(byte)
                inWord = true
            } else if byte > 0x20 && byte < 0x7F {
                if !out.isEmpty { out.append(0x20) }
                out.append(byte)
                inWord = false
            } else {
                inWord = false
            }
        }
        return out
    }
}
