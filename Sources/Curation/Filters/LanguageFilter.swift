import CorpusIO
import LanguageID
import Synchronization

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
    /// One task's buffers and word cache, kept from one document to the next (`forTask()` makes a task its
    /// own): the cache's 8,192 words cost more to allocate than to classify a short document. The answers
    /// never depend on what the cache holds.
    private let scratch = LanguageFilterScratch()

    public init(config: LanguageFilterConfig, model: FastTextModel) {
        self.init(config: config, identifier: LanguageIdentifier(model: model))
    }

    private init(config: LanguageFilterConfig, identifier: LanguageIdentifier) {
        self.config = config
        self.identifier = identifier
        self.languages = config.languages.map(Set.init)
    }

    public func forTask() -> any DocumentFilter { LanguageFilter(config: config, identifier: identifier) }

    public func apply(to text: inout String) -> FilterDecision {
        var metadata: [String: JSONValue] = [:]
        return apply(to: &text, metadata: &metadata)
    }

    public func apply(to text: inout String, metadata: inout [String: JSONValue]) -> FilterDecision {
        let found = scratch.value.withLock { scratch in identifier.best(text, scratch: &scratch) }
        guard let best = found else {
            return languages == nil ? .keep : .drop("no_words")
        }
        metadata["language"] = .string(best.label)
        metadata["language_score"] = .double(Double(best.probability))
        guard let languages else { return .keep }
        if !languages.contains(best.label) { return .drop(best.label) }
        return Double(best.probability) > config.minScore ? .keep : .drop("low_score")
    }
}

/// A filter's scratch behind a lock: filters are shared values, and a task's documents come one at a time,
/// so the lock is never contended.
final class LanguageFilterScratch: Sendable {
    let value = Mutex(FastTextModel.Scratch())
}
