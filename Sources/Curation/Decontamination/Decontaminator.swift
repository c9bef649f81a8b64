import CorpusIO

/// What the decontamination stage does with a document that shares a gram with an evaluation set.
public enum DecontaminationMode: String, Sendable, CaseIterable {
    /// Remove the document.
    case drop
    /// Remove the matching spans from its text (documents that are chat or preference records are
    /// dropped instead: packing renders their structured fields, not `text`).
    case cut
}

/// A document's overlap with the evaluation sets.
public struct ContaminationFinding: Sendable, Equatable {
    /// The evaluation sets it overlaps, in the order first met.
    public var sets: [String]
    /// The first matching gram, as the evaluation item spells it.
    public var ngram: String
    /// Byte ranges of the document's text covered by matching grams, merged and sorted.
    public var spans: [Range<Int>]
}

/// Checks documents against an `EvaluationNGramIndex` and drops or cuts them.
public struct Decontaminator: Sendable {
    public let index: EvaluationNGramIndex
    public let mode: DecontaminationMode

    public init(index: EvaluationNGramIndex, mode: DecontaminationMode = .drop) {
        self.index = index
        self.mode = mode
    }

    public enum Outcome: Sendable, Equatable {
        case keep
        case drop(ContaminationFinding)
        case cut(Document, ContaminationFinding)
    }

    /// Every gram of `text` found in the index (all gram lengths the index holds); nil when none is.
    public func check(_ text: String) -> ContaminationFinding? {
        guard !index.isEmpty else { return nil }
        let words = DecontaminationWords.words(in: text)
        let hashes = words.map(\.hash)
        var sets: [String] = []
        var first: String?
        var spans: [Range<Int>] = []
        for length in index.lengths where length <= words.count {
            for start in 0...(words.count - length) {
                guard let entry = index.entry(length: length, words: hashes[start..<start + length]) else { continue }
                if first == nil { first = entry.text }
                for set in entry.sets where !sets.contains(set) { sets.append(set) }
                spans.append(words[start].bytes.lowerBound..<words[start + length - 1].bytes.upperBound)
            }
        }
        guard let first else { return nil }
        return ContaminationFinding(sets: sets, ngram: first, spans: Self.merged(spans))
    }

    public func apply(to document: Document) -> Outcome {
        guard let finding = check(document.text) else { return .keep }
        guard mode == .cut, !Self.isStructured(document) else { return .drop(finding) }
        var bytes = Array(document.text.utf8)
        for span in finding.spans.reversed() { bytes.removeSubrange(span) }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { return .drop(finding) }
        var cut = document
        cut.text = text
        return .cut(cut, finding)
    }

    /// Chat and preference records: their `text` is only the joined contents (see `ChatRecordText`).
    static func isStructured(_ document: Document) -> Bool {
        document.metadata["messages"] != nil
            || (document.metadata["prompt"] != nil && document.metadata["chosen"] != nil && document.metadata["rejected"] != nil)
    }

    /// Overlapping or touching ranges joined.
    static func merged(_ spans: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for span in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, span.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
            } else {
                result.append(span)
            }
        }
        return result
    }
}
