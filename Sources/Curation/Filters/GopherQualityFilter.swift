/// Thresholds of datatrove's `GopherQualityFilter` (0.10.1), same names (in camelCase) and defaults.
/// nil is datatrove's None; like datatrove's truthiness tests, a zero threshold also disables its check.
public struct GopherQualityConfig: Sendable, Equatable {
    /// datatrove's `STOP_WORDS`.
    public static let defaultStopWords = ["the", "be", "to", "of", "and", "that", "have", "with"]

    /// `min_doc_words`: fewest non-symbol words.
    public var minDocWords: Int?
    /// `max_doc_words`: most non-symbol words.
    public var maxDocWords: Int?
    /// `min_avg_word_length`: lowest mean length of the non-symbol words (datatrove types it int; any
    /// number works, as in Python).
    public var minAvgWordLength: Double?
    /// `max_avg_word_length`: highest mean length of the non-symbol words.
    public var maxAvgWordLength: Double?
    /// `max_symbol_word_ratio`: most `#`, and most `...` plus `…`, per word.
    public var maxSymbolWordRatio: Double?
    /// `max_bullet_lines_ratio`: most lines starting with `•` or `-`.
    public var maxBulletLinesRatio: Double?
    /// `max_ellipsis_lines_ratio`: most lines ending with `...` or `…`.
    public var maxEllipsisLinesRatio: Double?
    /// `max_non_alpha_words_ratio`: despite the name, the *least* share of words with a letter.
    public var maxNonAlphaWordsRatio: Double?
    /// `min_stop_words`: fewest distinct stop words present.
    public var minStopWords: Int?
    /// `stop_words`: nil for datatrove's `STOP_WORDS`.
    public var stopWords: [String]?

    public init(minDocWords: Int? = 50, maxDocWords: Int? = 100_000, minAvgWordLength: Double? = 3,
                maxAvgWordLength: Double? = 10, maxSymbolWordRatio: Double? = 0.1,
                maxBulletLinesRatio: Double? = 0.9, maxEllipsisLinesRatio: Double? = 0.3,
                maxNonAlphaWordsRatio: Double? = 0.8, minStopWords: Int? = 2, stopWords: [String]? = nil) {
        self.minDocWords = minDocWords
        self.maxDocWords = maxDocWords
        self.minAvgWordLength = minAvgWordLength
        self.maxAvgWordLength = maxAvgWordLength
        self.maxSymbolWordRatio = maxSymbolWordRatio
        self.maxBulletLinesRatio = maxBulletLinesRatio
        self.maxEllipsisLinesRatio = maxEllipsisLinesRatio
        self.maxNonAlphaWordsRatio = maxNonAlphaWordsRatio
        self.minStopWords = minStopWords
        self.stopWords = stopWords
    }
}

/// datatrove's `GopherQualityFilter`, decision for decision, first failure wins:
/// `gopher_short_doc`, `gopher_long_doc` (non-symbol words: with a scalar outside datatrove's
/// `PUNCTUATION_SET`), `gopher_below_avg_threshold`, `gopher_above_avg_threshold` (their mean length),
/// `gopher_too_many_hashes`, `gopher_too_many_ellipsis` (per word, all words), `gopher_too_many_bullets`,
/// `gopher_too_many_end_ellipsis` (per `splitlines()` line), `gopher_below_alpha_threshold`,
/// `gopher_enough_stop_words` (datatrove's name for too few).
///
/// Where datatrove divides by zero (no words, or no lines, with the word-count checks disabled) it
/// raises `ZeroDivisionError`; plm then skips that ratio check instead, as it does for the mean of no
/// words (NumPy's NaN, which fails no comparison).
public struct GopherQualityFilter: DocumentFilter {
    public let name = "gopher_quality"
    public let config: GopherQualityConfig
    public let tokenizer: any WordTokenizer
    private let stopWords: StopWordSet

    public init(config: GopherQualityConfig = GopherQualityConfig(),
                tokenizer: any WordTokenizer = WhitespaceWordTokenizer()) {
        self.config = config
        self.tokenizer = tokenizer
        stopWords = StopWordSet(config.stopWords ?? GopherQualityConfig.defaultStopWords)
    }

    public func apply(to text: inout String) -> FilterDecision {
        // The words are streamed: a large document's words are never held as a list.
        var wordCount = 0
        var nonSymbolWords = 0
        var nonSymbolLength = 0
        var alphaWords = 0
        let stopLimit = config.minStopWords.flatMap { $0 == 0 ? nil : $0 }
        var stopWordsFound = StopWordSet.Counter(stopWords, limit: stopLimit)
        tokenizer.forEachWord(in: text) { word in
            wordCount += 1
            let (length, symbolsOnly, hasAlpha) = Self.classify(word)
            if !symbolsOnly {
                nonSymbolWords += 1
                nonSymbolLength += length
            }
            if hasAlpha { alphaWords += 1 }
            stopWordsFound.see(word)
        }

        if let minimum = config.minDocWords, minimum != 0, nonSymbolWords < minimum { return .drop("gopher_short_doc") }
        if let maximum = config.maxDocWords, maximum != 0, nonSymbolWords > maximum { return .drop("gopher_long_doc") }

        // np.mean of integer lengths: an exact sum, one correctly rounded division (NaN for no words).
        let meanLength = Double(nonSymbolLength) / Double(nonSymbolWords)
        if let minimum = config.minAvgWordLength, minimum != 0, meanLength < minimum {
            return .drop("gopher_below_avg_threshold")
        }
        if let maximum = config.maxAvgWordLength, maximum != 0, meanLength > maximum {
            return .drop("gopher_above_avg_threshold")
        }

        if let maximum = config.maxSymbolWordRatio, maximum != 0, wordCount > 0 {
            let (hashes, ellipses) = PythonText.withUTF8(text) { bytes in
                (PythonText.countOccurrences([0x23], in: bytes),  // "#"
                 PythonText.countOccurrences([0x2E, 0x2E, 0x2E], in: bytes)  // "..."
                    + PythonText.countOccurrences([0xE2, 0x80, 0xA6], in: bytes))  // "…"
            }
            if Double(hashes) / Double(wordCount) > maximum { return .drop("gopher_too_many_hashes") }
            if Double(ellipses) / Double(wordCount) > maximum { return .drop("gopher_too_many_ellipsis") }
        }

        let bulletLimit = config.maxBulletLinesRatio.flatMap { $0 == 0 ? nil : $0 }
        let ellipsisLimit = config.maxEllipsisLinesRatio.flatMap { $0 == 0 ? nil : $0 }
        if bulletLimit != nil || ellipsisLimit != nil {
            let (lines, bullets, ellipses) = PythonText.withUTF8(text, Self.lineCounts)
            if lines > 0 {
                if let limit = bulletLimit, Double(bullets) / Double(lines) > limit {
                    return .drop("gopher_too_many_bullets")
                }
                if let limit = ellipsisLimit, Double(ellipses) / Double(lines) > limit {
                    return .drop("gopher_too_many_end_ellipsis")
                }
            }
        }

        if let minimum = config.maxNonAlphaWordsRatio, minimum != 0, wordCount > 0,
           Double(alphaWords) / Double(wordCount) < minimum {
            return .drop("gopher_below_alpha_threshold")
        }

        if let minimum = stopLimit, stopWordsFound.found < minimum {
            return .drop("gopher_enough_stop_words")
        }
        return .keep
    }

    /// A word's length in scalars, whether all its scalars are in `PUNCTUATION_SET` (a symbol word),
    /// and whether one is alphabetic.
    private static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Bool, Bool) {
        var length = 0
        var symbolsOnly = true
        var hasAlpha = false
        var index = 0
        while index < bytes.count {
            let (value, width) = PythonText.scalar(at: index, in: bytes)
            length += 1
            index += width
            if symbolsOnly && !DatatrovePunctuation.contains(value: value) { symbolsOnly = false }
            if !hasAlpha && PythonText.isAlpha(value: value) { hasAlpha = true }
            if !symbolsOnly && hasAlpha {  // the rest only adds to the length
                while index < bytes.count {
                    if bytes[index] & 0xC0 != 0x80 { length += 1 }
                    index += 1
                }
            }
        }
        return (length, symbolsOnly, hasAlpha)
    }

    /// Over `text.splitlines()`: the number of lines, of lines whose `lstrip()` starts with `•` or `-`,
    /// and of lines whose `rstrip()` ends with `...` or `…`.
    private static func lineCounts(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int) {
        var lines = 0
        var bullets = 0
        var ellipses = 0
        PythonText.forEachLine(bytes) { start, end in
            lines += 1
            var first = start
            while first < end {
                let (value, width) = PythonText.scalar(at: first, in: bytes)
                if !PythonText.isSpace(value: value) {
                    if value == 0x2022 || value == 0x2D { bullets += 1 }  // "•", "-"
                    break
                }
                first += width
            }
            var last = end
            while last > first {
                let (value, width) = PythonText.scalar(before: last, in: bytes)
                if !PythonText.isSpace(value: value) { break }
                last -= width
            }
            if last - first >= 3 {
                let (a, b, c) = (bytes[last - 3], bytes[last - 2], bytes[last - 1])
                if (a == 0x2E && b == 0x2E && c == 0x2E) || (a == 0xE2 && b == 0x80 && c == 0xA6) { ellipses += 1 }
            }
        }
        return (lines, bullets, ellipses)
    }
}

/// A set of words matched by their scalars (Python `str` equality, not Swift's canonical equivalence).
struct StopWordSet: Sendable {
    fileprivate let words: [[UInt8]]
    /// Hash of a word's UTF-8 bytes -> indices in `words`.
    private let byHash: [UInt64: [Int]]

    init(_ list: [String]) {
        var unique: [[UInt8]] = []
        var byHash: [UInt64: [Int]] = [:]
        for word in list {
            let bytes = Array(word.utf8)
            let hash = bytes.withUnsafeBufferPointer { ByteHash.hash($0.baseAddress, $0.count) }
            if byHash[hash, default: []].contains(where: { unique[$0] == bytes }) { continue }
            byHash[hash, default: []].append(unique.count)
            unique.append(bytes)
        }
        words = unique
        self.byHash = byHash
    }

    /// `len(stop_words & set(words))` over words seen one at a time, counting no further than `limit`
    /// (nil: not counted at all).
    struct Counter {
        private let set: StopWordSet
        private let limit: Int?
        private var seen: [Bool]
        private(set) var found = 0

        init(_ set: StopWordSet, limit: Int?) {
            self.set = set
            self.limit = limit
            seen = [Bool](repeating: false, count: limit == nil ? 0 : set.words.count)
        }

        mutating func see(_ word: UnsafeBufferPointer<UInt8>) {
            guard let limit, found < limit, let match = set.lookup(word), !seen[match] else { return }
            seen[match] = true
            found += 1
        }
    }

    fileprivate func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let candidates = byHash[ByteHash.hash(bytes.baseAddress, bytes.count)] else { return nil }
        return candidates.first { words[$0].elementsEqual(bytes) }
    }
}
