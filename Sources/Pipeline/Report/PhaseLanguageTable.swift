import CorpusIO
import Foundation
import Shards

/// `plm stats`'s view of the packed phases by language, read from each phase's `phase.json`: per split, the
/// tokens each language got in the samples beside the share its `language_weights` aimed at, and per source
/// the languages as the mixture drew them. `phase.json` records languages only for phases that weight them,
/// so an unweighted phase gets one line saying so, and a run without a language filter nothing at all.
public enum PhaseLanguageTable {
    /// The section for the run at `root`, or nil when there is nothing to show: no phase weights languages
    /// and no filter wrote any (`languagesFiltered`: the filter stage's stats count languages).
    public static func section(root: String, languagesFiltered: Bool) -> String? {
        let phases = packedPhases(root: root)
        let weighted = phases.filter { $0.report?.train.tokensByLanguage != nil }
        guard languagesFiltered || !weighted.isEmpty else { return nil }
        var blocks: [String] = []
        for (phase, report) in phases {
            guard let report else {
                blocks.append("pack/\(phase): phase.json unreadable")
                continue
            }
            blocks.append(render(phase: phase, report))
        }
        return blocks.isEmpty ? nil : blocks.joined(separator: "\n")
    }

    /// The phases with a `phase.json` under `<root>/pack`, in the run's order (`run.json`), else by name;
    /// each with its report, nil when the file does not decode.
    static func packedPhases(root: String) -> [(phase: String, report: PhaseReport?)] {
        let folder = root + "/pack"
        let present = FileSystem.list(folder).filter { FileSystem.exists("\(folder)/\($0)/\(PhaseReport.fileName)") }
        let planned = ((try? RunStatus(root: root))?.stages ?? []).map(\.name)
            .filter { $0.hasPrefix("pack/") }.map { String($0.dropFirst(5)) }
        let ordered = planned.filter(present.contains) + present.sorted().filter { !planned.contains($0) }
        return ordered.map { ($0, try? PhaseReport.load(directory: "\(folder)/\($0)")) }
    }

    /// One phase: a line for each split, and for a weighted phase the tables of each split with tokens.
    public static func render(phase: String, _ report: PhaseReport) -> String {
        guard report.train.tokensByLanguage != nil else {
            return "pack/\(phase): no language_weights, so phase.json has no shares per language"
        }
        var lines: [String] = []
        for (name, split) in [("train", report.train), ("val", report.validation)] where split.packing.tokens > 0 {
            lines.append("pack/\(phase) \(name): \(split.packing.samples) samples, \(split.packing.tokens) tokens, "
                         + "\(split.documents) documents")
            lines += languageRows(split)
            lines += sourceRows(split)
        }
        return lines.joined(separator: "\n")
    }

    /// Tokens written per language over all sources (what the samples hold) beside the weights' target share;
    /// documents and tokens available summed over the sources. `none`: sources whose documents carry no language.
    static func languageRows(_ split: SplitReport) -> [String] {
        var available: [String: (documents: Int, tokens: Int, weight: Double?)] = [:]
        for realisation in split.sources.values {
            guard let languages = realisation.languages else {
                available["none", default: (0, 0, nil)].documents += realisation.documents
                available["none", default: (0, 0, nil)].tokens += realisation.availableTokens
                continue
            }
            for (language, part) in languages {
                available[language, default: (0, 0, part.weight)].documents += part.documents
                available[language, default: (0, 0, part.weight)].tokens += part.availableTokens
            }
        }
        let written = split.tokensByLanguage ?? [:], shares = split.shareByLanguage ?? [:]
        let targets = split.targetShareByLanguage ?? [:]
        // A language with nothing to draw and nothing written (an empty `other`) would only be noise.
        let names = Set(available.keys).union(written.keys)
            .filter { (available[$0]?.documents ?? 0) > 0 || (written[$0] ?? 0) > 0 }
            .sorted { (written[$0] ?? 0, $1) > (written[$1] ?? 0, $0) }
        var rows = [["language", "weight", "documents", "available", "written", "share", "target share"]]
        for name in names {
            rows.append([name, available[name]?.weight.map(number) ?? "-", String(available[name]?.documents ?? 0),
                         String(available[name]?.tokens ?? 0), String(written[name] ?? 0),
                         percent(shares[name] ?? 0), percent(targets[name] ?? 0)])
        }
        return table(rows)
    }

    /// Each source's languages as the mixture drew them: tokens available, the target the weights gave, the
    /// tokens selected (before sequences are cut) and how often they repeat.
    static func sourceRows(_ split: SplitReport) -> [String] {
        var rows = [["source", "language", "weight", "documents", "available", "target", "selected", "repetition"]]
        for source in split.sources.keys.sorted() {
            let realisation = split.sources[source]!
            let parts = realisation.languages.map { $0.sorted { $0.key < $1.key } } ?? [("none", realisation)]
            for (language, part) in parts where part.documents > 0 || part.targetTokens > 0 {
                rows.append([source, language, part.weight.map(number) ?? "-", String(part.documents),
                             String(part.availableTokens), String(part.targetTokens), String(part.selectedTokens),
                             String(format: "%.2fx", part.repetition)])
            }
        }
        return table(rows)
    }

    /// Rows in columns two spaces apart, indented; the first column left-aligned, the others right-aligned.
    static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            "  " + row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", 100 * share) }

    /// A weight as written in the manifest: `1`, `0.25`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
