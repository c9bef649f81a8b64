import CorpusIO
import LanguageID

/// datatrove's `LanguageFilter` settings (its defaults: English, 0.65).
public struct LanguageFilterConfig: Sendable, Equatable {
    /// Languages kept (labels without `__label__`: `en`, or GlotLID's `eng_Latn`); nil keeps every document
    /// and only writes its language.
    public var languages: [String]? = ["en"]
    /// A document is kept when its best language is listed with a probability above this.
    public var minScore = 0.65
    /// A fastText model file (lid.176, GlotLID, ...); nil: the built-in model of the run.
    public var model: String?

    public init() {}
}

/// Writes each document's most probable language and its probability into its metadata (`language`,
/// `language_score`) and keeps it when that language is listed with a probability above `minScore`.
/// Newlines are read as spaces, as datatrove does before asking fastText. A drop's reason is the language
/// found (`de`), `low_score` for a listed language below the bar, or `no_words`.
public struct LanguageFilter: DocumentFilter {
    public let name = "language"
    public let config: LanguageFilterConfig
    let identifier: LanguageIdentifier
    let languages: Set<String>?

    public init(config: LanguageFilterConfig, model: FastTextModel) {
        self.config = config
        self.identifier = LanguageIdentifier(model: model)
        self.languages = config.languages.map(Set.init)
    }

    public func apply(to text: inout String) -> FilterDecision {
        var metadata: [String: JSONValue] = [:]
        return apply(to: &text, metadata: &metadata)
    }

    public func apply(to text: inout String, metadata: inout [String: JSONValue]) -> FilterDecision {
        // A scratch per call: the filter is shared by a task's documents only through `forTask()` copies,
        // and the buffers are small next to the document.
        var scratch = FastTextModel.Scratch()
        guard let best = identifier.best(text, scratch: &scratch) else {
            return languages == nil ? .keep : .drop("no_words")
        }
        metadata["language"] = .string(best.label)
        metadata["language_score"] = .double(Double(best.probability))
        guard let languages else { return .keep }
        if !languages.contains(best.label) { return .drop(best.label) }
        return Double(best.probability) > config.minScore ? .keep : .drop("low_score")
    }
}
