import LanguageID

/// A filter name in a pipeline that no filter answers to.
public struct UnknownFilterError: Error, CustomStringConvertible, Sendable {
    public let name: String
    public var description: String {
        "unknown filter '\(name)' (known: \(FilterConfig.filterNames.joined(separator: ", ")))"
    }
}

/// The language filter was asked for without a model to run.
public struct MissingLanguageModelError: Error, CustomStringConvertible, Sendable {
    public var description: String { "the language filter needs a language model (filters.language.model, or the built-in one)" }
}

extension FilterConfig {
    /// The tokenizer filters count words with.
    public func makeWordTokenizer() -> any WordTokenizer {
        switch wordTokenizer {
        case .whitespace: return WhitespaceWordTokenizer()
        case .spacy: return SpacyEnglishTokenizer()
        }
    }

    /// The configured filter of that name; the language filter needs `languageModel`.
    public func makeFilter(named name: String, tokenizer: any WordTokenizer,
                           languageModel: FastTextModel? = nil) throws -> any DocumentFilter {
        switch name {
        case "language":
            guard let languageModel else { throw MissingLanguageModelError() }
            return LanguageFilter(config: language, model: languageModel)
        case "gopher_repetition": return GopherRepetitionFilter(config: gopherRepetition, tokenizer: tokenizer)
        case "gopher_quality": return GopherQualityFilter(config: gopherQuality, tokenizer: tokenizer)
        case "c4_quality": return C4QualityFilter(config: c4Quality)
        case "c4_paragraph": return C4ParagraphFilter(config: c4Paragraph)
        case "fineweb_quality": return FineWebQualityFilter(config: finewebQuality, tokenizer: tokenizer)
        case "code_heuristics": return CodeHeuristicsFilter(config: codeHeuristics)
        case "pii": return PIIFormatter(config: pii)
        default: throw UnknownFilterError(name: name)
        }
    }

    /// The chain for a domain, built; its filters share one tokenizer, which splits each text once.
    public func makeFilters(forDomain domain: String, languageModel: FastTextModel? = nil) throws -> [any DocumentFilter] {
        let tokenizer = SharedWordTokenizer(makeWordTokenizer())
        return try chain(forDomain: domain).map { try makeFilter(named: $0, tokenizer: tokenizer, languageModel: languageModel) }
    }
}
