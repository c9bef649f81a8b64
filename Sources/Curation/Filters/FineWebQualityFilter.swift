#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings of datatrove's `FineWebQualityFilter` (0.10.1): the same names (camelCase here, snake_case
/// in YAML) and defaults as its constructor. (`language` becomes the filter's word tokenizer.)
public struct FineWebQualityConfig: Sendable, Equatable {
    /// `line_punct_thr`: drop when fewer lines than this share end in a stop char.
    public var linePunctThr: Double
    /// `line_punct_exclude_zero`: do not drop for that when no line at all ends in one.
    public var linePunctExcludeZero: Bool
    /// `stop_chars`: the line endings that count; nil is datatrove's `TERMINAL_PUNCTUATION`.
    public var stopChars: [String]?
    /// `short_line_thr`: drop when more lines than this share are short.
    public var shortLineThr: Double
    /// `short_line_length`: a line of at most this many scalars is short.
    public var shortLineLength: Int
    /// `char_duplicates_ratio`: drop when more of the text (newlines aside) is in repeated lines.
    public var charDuplicatesRatio: Double
    /// `new_line_ratio`: drop when there are more newlines than this per word.
    public var newLineRatio: Double

    public init(linePunctThr: Double = 0.12, linePunctExcludeZero: Bool = false, stopChars: [String]? = nil,
                shortLineThr: Double = 0.67, shortLineLength: Int = 30, charDuplicatesRatio: Double = 0.01,
                newLineRatio: Double = 0.3) {
        self.linePunctThr = linePunctThr
        self.linePunctExcludeZero = linePunctExcludeZero
        self.stopChars = stopChars
        self.shortLineThr = shortLineThr
        self.shortLineLength = shortLineLength
        self.charDuplicatesRatio = charDuplicatesRatio
        self.newLineRatio = newLineRatio
    }
}

/// datatrove's `FineWebQualityFilter`, decision for decision. The lines are the pieces of
/// `text.split("\n")` that are not blank (`strip() != ""`), unstripped (so a line ending in a space or
/// a `\r` does not end in punctuation). First failure wins:
///   `empty` (no such line); `line_punct_ratio` (lines ending in a stop char / lines `<` the
///   threshold); `short_line_ratio` (lines of `<=` `shortLineLength` scalars / lines `>` the
///   threshold); `char_dup_ratio` (scalars in lines equal to an earlier line / scalars of the text
///   without its `\n`s `>` the threshold); `list_ratio` (`\n` count / words `>` the threshold).
///
/// Where datatrove would divide by zero (a tokenizer that finds no word in a text with a non-blank
/// line), plm skips the `list_ratio` check.
public struct FineWebQualityFilter: DocumentFilter {
    public let name = "fineweb_quality"
    public let config: FineWebQualityConfig
    public let tokenizer: any WordTokenizer
    private let stopChars: [[UInt8]]?
    private let whitespaceWords: Bool

    public init(config: FineWebQualityConfig = FineWebQualityConfig(),
                tokenizer: any WordTokenizer = WhitespaceWordTokenizer()) {
        self.config = config
        self.tokenizer = tokenizer
        self.stopChars = config.stopChars.map { $0.map { Array($0.utf8) } }
        self.whitespaceWords = ((tokenizer as? SharedWordTokenizer)?.inner ?? tokenizer) is WhitespaceWordTokenizer
    }

    public func apply(to text: inout String) -> FilterDecision {
        let verdict: FilterDecision? = C4Text.withBytes(text) { bytes in
            var lines: [Range<Int>] = []
            var newlines = 0
            var start = 0
            if let base = bytes.baseAddress {
                while start < bytes.count, let hit = memchr(base + start, 0x0A, bytes.count - start) {
                    let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if C4Text.hasNonSpace(bytes, start, i) { lines.append(start..<i) }
                    newlines += 1
                    start = i + 1
                }
            }
            if C4Text.hasNonSpace(bytes, start, bytes.count) { lines.append(start..<bytes.count) }
            if lines.isEmpty { return .drop("empty") }
            let count = Double(lines.count)

            let punctuated = lines.reduce(0) { $0 + (endsWithStopChar(bytes, $1) ? 1 : 0) }
            let punctRatio = Double(punctuated) / count
            if punctRatio < config.linePunctThr && !(punctRatio == 0 && config.linePunctExcludeZero) {
                return .drop("line_punct_ratio")
            }

            let short = lines.reduce(0) { count, line in
                count + (C4Text.scalarCount(bytes, line.lowerBound, line.upperBound) <= config.shortLineLength ? 1 : 0)
            }
            if Double(short) / count > config.shortLineThr { return .drop("short_line_ratio") }

            let duplicateChars = GopherRepetitionFilter.duplicates(bytes, lines).1
            let textChars = C4Text.scalarCount(bytes, 0, bytes.count) - newlines
            if Double(duplicateChars) / Double(textChars) > config.charDuplicatesRatio {
                return .drop("char_dup_ratio")
            }

            if whitespaceWords {
                // More words only lower the ratio: counting can stop once it is low enough.
                let words = C4QualityFilter.countWords(bytes, 0, bytes.count, longerThan: nil,
                                                       enough: enoughWords(newlines: newlines)).0
                if words > 0 && Double(newlines) / Double(words) > config.newLineRatio { return .drop("list_ratio") }
                return .keep
            }
            return nil
        }
        if let verdict { return verdict }
        var words = 0
        tokenizer.forEachWord(in: text) { _ in words += 1 }
        let newlines = C4Text.withBytes(text) { bytes in bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        if words > 0 && Double(newlines) / Double(words) > config.newLineRatio { return .drop("list_ratio") }
        return .keep
    }

    /// The fewest words with which `newlines / words > newLineRatio` is false (Int.max if none).
    private func enoughWords(newlines: Int) -> Int {
        let r = config.newLineRatio
        guard r > 0, r.isFinite else { return Int.max }
        let n = Double(newlines)
        var e = max(1, Int(min(n / r, Double(Int.max / 2)).rounded(.up)))
        while e > 1 && n / Double(e - 1) <= r { e -= 1 }
        while n / Double(e) > r { e += 1 }
        return e
    }

    /// `line.endswith(self.stop_chars)`.
    @inline(__always)
    private func endsWithStopChar(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        if let stopChars {
            return stopChars.contains { C4Text.endsWith(bytes, line.lowerBound, line.upperBound, $0) }
        }
        let last = C4Text.decode(bytes, before: line.upperBound).scalar
        return DatatroveTerminalPunctuation.contains(Unicode.Scalar(last)!)
    }
}
