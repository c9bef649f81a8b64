import Foundation

/// Accuracy of a classifier on labelled texts: per language, the mean over languages (macro) and over texts
/// (micro); and its speed.
public struct LanguageEvaluation: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var texts = 0
        public var correct = 0
        public var accuracy: Double { texts == 0 ? 0 : Double(correct) / Double(texts) }
    }

    public var perLanguage: [String: Row] = [:]
    public var bytes = 0
    public var seconds = 0.0

    public var micro: Double {
        let texts = perLanguage.values.reduce(0) { $0 + $1.texts }
        return texts == 0 ? 0 : Double(perLanguage.values.reduce(0) { $0 + $1.correct }) / Double(texts)
    }

    public var macro: Double {
        perLanguage.isEmpty ? 0 : perLanguage.values.reduce(0) { $0 + $1.accuracy } / Double(perLanguage.count)
    }

    /// Megabytes (10^6) of text classified per second on the one thread that ran it.
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds / 1e6 : 0 }

    /// Runs `classify` over `texts` on this thread, timing only the classification.
    public static func run(_ texts: [LabelledText], classify: (String) -> String?) -> LanguageEvaluation {
        var result = LanguageEvaluation()
        var answers: [String?] = []
        answers.reserveCapacity(texts.count)
        let start = DispatchTime.now().uptimeNanoseconds
        for text in texts { answers.append(classify(text.text)) }
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        for (text, answer) in zip(texts, answers) {
            result.bytes += text.text.utf8.count
            result.perLanguage[text.label, default: Row()].texts += 1
            if answer == text.label { result.perLanguage[text.label, default: Row()].correct += 1 }
        }
        return result
    }

    /// A plain-text table: one line per language, then macro and micro.
    public func table(title: String) -> String {
        var lines = ["\(title): \(perLanguage.count) languages, \(perLanguage.values.reduce(0) { $0 + $1.texts }) texts",
                     "  language     texts  accuracy"]
        for (label, row) in perLanguage.sorted(by: { $0.key < $1.key }) {
            lines.append("  " + label.padding(toLength: 10, withPad: " ", startingAt: 0)
                         + String(format: "%8d  %7.2f%%", row.texts, row.accuracy * 100))
        }
        lines.append(String(format: "  macro %.2f%%  micro %.2f%%  %.1f MB/s on one thread", macro * 100, micro * 100,
                            megabytesPerSecond))
        return lines.joined(separator: "\n")
    }
}
