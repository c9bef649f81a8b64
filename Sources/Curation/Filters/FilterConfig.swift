/// Which word tokenizer the filters count words with.
public enum FilterWordTokenizer: String, Sendable, Equatable, CaseIterable {
    /// spaCy's rule-based English tokenizer, as datatrove uses by default.
    case spacy
    /// Python's `str.split()`.
    case whitespace
}

/// The filter stage's settings, as a pipeline's `filters:` section gives them.
public struct FilterConfig: Sendable, Equatable {
    public var wordTokenizer: FilterWordTokenizer = .spacy
    /// Write dropped documents, with their filter and reason, beside the kept ones.
    public var writeExcluded = true
    /// Filter names to run, in order, per source domain; `default` covers domains not listed.
    public var byDomain: [String: [String]] = FilterConfig.defaultChains
    public var gopherRepetition = GopherRepetitionConfig()
    public var gopherQuality = GopherQualityConfig()
    public var c4Quality = C4QualityConfig()
    public var c4Paragraph = C4ParagraphConfig()
    public var finewebQuality = FineWebQualityConfig()
    public var codeHeuristics = CodeHeuristicsConfig()
    public var pii = PIIFormatterConfig()
    public var language = LanguageFilterConfig()

    public init() {}

    /// datatrove's FineWeb order for text (repetition, quality, C4, FineWeb) then PII; code gets the
    /// code heuristics instead.
    public static let defaultChains: [String: [String]] = [
        "default": ["gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality", "pii"],
        "code": ["code_heuristics", "pii"],
    ]

    /// Every filter name a chain may use.
    public static let filterNames = ["language", "gopher_repetition", "gopher_quality", "c4_quality", "c4_paragraph",
                                     "fineweb_quality", "code_heuristics", "pii"]

    /// Whether some domain's chain runs the language filter (which needs a model loaded).
    public var usesLanguageFilter: Bool { byDomain.values.contains { $0.contains("language") } }

    /// The chain for a source domain.
    public func chain(forDomain domain: String) -> [String] {
        byDomain[domain] ?? byDomain["default"] ?? []
    }
}
