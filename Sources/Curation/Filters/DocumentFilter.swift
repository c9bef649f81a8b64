import CorpusIO

/// What a filter says about one document.
public enum FilterDecision: Sendable, Equatable {
    case keep
    /// Drop, with datatrove's reason name (`gopher_short_doc`, `line_punct_ratio`, ...); nil when
    /// datatrove drops without naming one.
    case drop(String?)
}

/// One quality rule set (the datatrove model): it reads a document's text, may rewrite it (C4's line
/// removal, the PII formatter) and answers keep or drop-with-reason. Counting, exclusion files and
/// stats are the filter stage's job, not the filter's.
public protocol DocumentFilter: Sendable {
    /// Stable name used in configs, stats and exclusion folders (`gopher_quality`, `c4_quality`, ...).
    var name: String { get }
    /// Decides on `text`, which it may rewrite in place.
    func apply(to text: inout String) -> FilterDecision
    /// The same, for a filter that also records what it found in the document's metadata (the language
    /// filter's `language` and `language_score`); the others leave the metadata alone.
    func apply(to text: inout String, metadata: inout [String: JSONValue]) -> FilterDecision
    /// The filter as a new task starts it: a filter that carries state from one document to the next
    /// (the PII formatter's replacement cycles) returns a fresh copy; the others return themselves.
    func forTask() -> any DocumentFilter
}

extension DocumentFilter {
    public func forTask() -> any DocumentFilter { self }

    public func apply(to text: inout String, metadata: inout [String: JSONValue]) -> FilterDecision {
        apply(to: &text)
    }
}

/// Splits text into words the way a filter counts them.
public protocol WordTokenizer: Sendable {
    /// The words of `text`, in order.
    func words(_ text: String) -> [Substring]
    /// Calls `body` with the UTF-8 bytes of each word of `text`, in order, without holding a list of
    /// the words: how filters read a large document, so that their memory does not grow with its
    /// word count (a word list costs 32 bytes a word, several times the text).
    func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void)
}

extension WordTokenizer {
    public func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        for word in words(text) { PythonText.withUTF8(word, body) }
    }
}

/// Python's `str.split()` with no argument: runs of Unicode whitespace (`str.isspace`) separate
/// words; no empty words. What datatrove does when handed a whitespace tokenizer.
public struct WhitespaceWordTokenizer: WordTokenizer {
    public init() {}

    public func words(_ text: String) -> [Substring] {
        // By scalar, not Character: Python splits a space followed by a combining mark. The scan runs
        // over the UTF-8 bytes (a word boundary is always a scalar boundary) and cuts Substrings by
        // byte offset, which is O(1) for native strings.
        let ranges = PythonText.withUTF8(text, Self.wordRanges)
        let utf8 = text.utf8
        var words: [Substring] = []
        words.reserveCapacity(ranges.count)
        var index = utf8.startIndex
        var offset = 0
        for range in ranges {
            let start = utf8.index(index, offsetBy: range.lowerBound - offset)
            let end = utf8.index(start, offsetBy: range.count)
            words.append(Substring(utf8[start..<end]))
            index = end
            offset = range.upperBound
        }
        return words
    }

    public func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        PythonText.withUTF8(text) { bytes in
            Self.forEachWordRange(bytes) { body(UnsafeBufferPointer(rebasing: bytes[$0])) }
        }
    }

    /// Byte ranges of the runs of non-`isspace` scalars.
    static func wordRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(bytes.count / 6)
        forEachWordRange(bytes) { ranges.append($0) }
        return ranges
    }

    /// Calls `body` with the byte range of each run of non-`isspace` scalars, in order.
    @inline(__always)
    static func forEachWordRange(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var start = -1
        var index = 0
        let n = bytes.count
        while index < n {
            let byte = bytes[index]
            let space: Bool
            let width: Int
            if byte < 0x80 {
                // 0x09-0x0D, 0x1C-0x20
                space = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x1F)
                width = 1
            } else {
                let (value, w) = PythonText.scalar(at: index, in: bytes)
                space = PythonText.isSpace(value: value)
                width = w
            }
            if space {
                if start >= 0 {
                    body(start..<index)
                    start = -1
                }
            } else if start < 0 {
                start = index
            }
            index += width
        }
        if start >= 0 { body(start..<n) }
    }
}

/// Python `str` predicates by Unicode scalar, where the rules depend on them.
public enum PythonString {
    /// `str.isspace`: bidirectional class WS, B or S, or general category Zs.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool { PythonText.isSpace(value: scalar.value) }
}
