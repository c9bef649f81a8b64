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
}

/// Splits text into words the way a filter counts them.
public protocol WordTokenizer: Sendable {
    /// The words of `text`, in order.
    func words(_ text: String) -> [Substring]
}

/// Python's `str.split()` with no argument: runs of Unicode whitespace (`str.isspace`) separate
/// words; no empty words. What datatrove does when handed a whitespace tokenizer.
public struct WhitespaceWordTokenizer: WordTokenizer {
    public init() {}

    public func words(_ text: String) -> [Substring] {
        // By scalar, not Character: Python splits a space followed by a combining mark.
        text.unicodeScalars.split(whereSeparator: PythonString.isSpace).map { Substring($0) }
    }
}

/// Python `str` predicates by Unicode scalar, where the rules depend on them.
public enum PythonString {
    /// `str.isspace`: bidirectional class WS, B or S, or general category Zs.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool { PythonText.isSpace(value: scalar.value) }
}
