import Foundation
import Shards
import Testing
@testable import Pipeline

/// `plm stats`'s per-phase view by language, read from the phase.json files packing writes.
@Suite struct PhaseLanguageTableTests {
    /// Packs `phases` (name and language weights) of one corpus under `<root>/pack`: a source `web` in English,
    /// German and French, and a source `code` whose documents carry no language.
    func pack(_ phases: [(String, [String: Double])], root: String) throws {
        let web = (0..<90).map { i in
            PackDocument(id: "w\(i)", source: "web", content: .text(String(repeating: "word\(i) ", count: 20 + i % 7)),
                         language: ["en", "de", "fr"][i % 3])
        }
        let code = (0..<20).map { i in
            PackDocument(id: "c\(i)", source: "code", content: .text(String(repeating: "x\(i) = 1\n", count: 15)))
        }
        var options = PackOptions()
        options.seqLen = 255
        options.validationFraction = 0.1
        for (phase, weights) in phases {
            try PhasePacker(mixture: PhaseMixture(name: phase, weights: ["web": 3, "code": 1], languageWeights: weights),
                            options: options, encoder: ByteTokenEncoder(), tokenizerHash: "t")
                .pack(web + code, into: root + "/pack/" + phase)
        }
    }

    func withRoot(_ body: (String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-phaselang-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try body(root)
    }

    /// The cells of the first line whose first cell is `first`.
    func row(_ text: String, _ first: String) -> [String]? {
        text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.first { $0.first == first }
    }

    @Test func aWeightedPhaseShowsTokensPerLanguageAndSource() throws {
        try withRoot { root in
            try pack([("weighted", ["en": 1, "de": 0.5])], root: root)
            let report = try PhaseReport.load(directory: root + "/pack/weighted")
            let text = PhaseLanguageTable.render(phase: "weighted", report)
            let lines = text.split(separator: "\n").map(String.init)
            let train = report.train
            #expect(lines[0] == "pack/weighted train: \(train.packing.samples) samples, \(train.packing.tokens) tokens, "
                    + "\(train.documents) documents")
            #expect(lines[1].split(separator: " ").joined(separator: " ")
                    == "language weight documents available written share target share")
            // Rows by tokens written, most first; `none` is the source without languages, French is `other`
            // (not listed) and gets nothing.
            let web = train.sources["web"]!.languages!, code = train.sources["code"]!
            let written = train.tokensByLanguage!
            for language in ["en", "de"] {
                #expect(row(text, language) == [language, language == "en" ? "1" : "0.5", String(web[language]!.documents),
                                                String(web[language]!.availableTokens), String(written[language]!),
                                                PhaseLanguageTable.percent(train.shareByLanguage![language]!),
                                                PhaseLanguageTable.percent(train.targetShareByLanguage![language]!)])
            }
            #expect(row(text, "none") == ["none", "-", String(code.documents), String(code.availableTokens),
                                          String(written["none"]!), PhaseLanguageTable.percent(train.shareByLanguage!["none"]!),
                                          PhaseLanguageTable.percent(train.targetShareByLanguage!["none"]!)])
            #expect(row(text, "other")?[4] == "0" && row(text, "other")?[5] == "0.0%")
            let order = lines.prefix { !$0.contains("source") }.compactMap { $0.split(separator: " ").first.map(String.init) }
            #expect(order.filter { ["en", "de", "none", "other"].contains($0) }
                    == ["en", "de", "none", "other"].sorted { (written[$0] ?? 0, $1) > (written[$1] ?? 0, $0) })
            // Per source and language: what the mixture drew.
            let de = web["de"]!
            #expect(lines.contains { $0.split(separator: " ").map(String.init) == [
                "web", "de", "0.5", String(de.documents), String(de.availableTokens), String(de.targetTokens),
                String(de.selectedTokens), String(format: "%.2fx", de.repetition)] })
            #expect(lines.contains { $0.split(separator: " ").prefix(3) == ["code", "none", "-"] })
            // The val split follows with its own tables.
            #expect(lines.contains { $0.hasPrefix("pack/weighted val: \(report.validation.packing.samples) samples") })
        }
    }

    @Test func unweightedPhasesAreOneLineAndARunWithoutLanguagesPrintsNothing() throws {
        try withRoot { root in
            try pack([("plain", [:])], root: root)
            // No language filter and no weights: plm stats prints what it always did.
            #expect(PhaseLanguageTable.section(root: root, languagesFiltered: false) == nil)
            #expect(PhaseLanguageTable.section(root: root, languagesFiltered: true)
                    == "pack/plain: no language_weights, so phase.json has no shares per language")
            try pack([("b-weighted", ["de": 1])], root: root)
            // Without run.json, phases come by name.
            let section = try #require(PhaseLanguageTable.section(root: root, languagesFiltered: false))
            #expect(section.hasPrefix("pack/b-weighted train: ") && section.hasSuffix("\npack/plain: no language_weights, "
                    + "so phase.json has no shares per language"))
        }
    }
}
