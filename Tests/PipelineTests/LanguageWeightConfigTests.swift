import Foundation
import Shards
import Testing
@testable import Pipeline

/// `language_weights` of a manifest phase: read as written, mistakes reported at their line and column.
@Suite struct LanguageWeightConfigTests {
    /// Loads a one-source manifest whose only phase ends with `phaseLines`; returns the phase or the error.
    func load(_ phaseLines: String) throws -> (Result<ManifestPhase, ConfigError>, path: String, text: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-langweights-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = """
            name: test
            sources:
              - name: web
                paths: data/web
                domain: prose
            phases:
              - name: p
                weights: {web: 1}
            \(phaseLines)
            """
        let path = folder + "/manifest.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            return (.success(try Manifest.load(path: path).phases[0]), path, text)
        } catch {
            return (.failure(error), path, text)
        }
    }

    @Test func weightsAreReadWithOtherAndZero() throws {
        let (result, _, _) = try load("    language_weights: {en: 1, de: 0.25, zh-Hans: 0, other: 0.1}")
        let phase = try result.get()
        #expect(phase.languageWeights == ["en": 1, "de": 0.25, "zh-Hans": 0, "other": 0.1])
        #expect(try load("").0.get().languageWeights.isEmpty)
    }

    @Test(arguments: [
        ("    language_weights: {en: 1, de: -1}", "de: -1", "'de' in key 'language_weights' of phase 'p' must be a number of 0 or more, got '-1'"),
        ("    language_weights: {en: 0, de: 0}", "en: 0", "key 'language_weights' in phase 'p' gives no language a positive weight"),
        ("    language_weights: {\"e n\": 1}", "e n", "'e n' in key 'language_weights' of phase 'p' is not a language code"),
        ("    language_weights: [en]", "[en]", "key 'language_weights' in phase 'p' must be a mapping of names to numbers"),
        ("    language_weights: {en: lots}", "lots", "'lots'"),
    ])
    func mistakesAreReportedWhereWritten(lines: String, at needle: String, message: String) throws {
        let (result, path, text) = try load(lines)
        guard case .failure(let error) = result else {
            Issue.record("accepted \(lines)")
            return
        }
        let lineNumber = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }! + 1
        #expect(error.file == path)
        #expect(error.line == lineNumber, "\(error)")
        #expect(error.message.contains(message), "\(error.message)")
    }
}

/// The run report reads a phase's language shares from its phase.json.
@Suite struct LanguageWeightReportTests {
    @Test func theMixtureHasLanguageSharesOnlyWhenWeighted() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-langreport-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let documents = (0..<60).map { i in
            PackDocument(id: "\(i)", source: "web", content: .text(String(repeating: "word\(i) ", count: 20 + i % 7)),
                         language: i % 3 == 0 ? "de" : "en")
        }
        var options = PackOptions()
        options.seqLen = 255
        options.validationFraction = 0
        for (phase, weights) in [("weighted", ["en": 1.0, "de": 0.5]), ("plain", [:])] {
            try PhasePacker(mixture: PhaseMixture(name: phase, weights: ["web": 1], languageWeights: weights),
                            options: options, encoder: ByteTokenEncoder(), tokenizerHash: "t")
                .pack(documents, into: root + "/pack/" + phase)
        }
        let weighted = try #require(RunReport.mixture(root: root, phase: "weighted"))
        let realised = try #require(weighted.languageRealised), target = try #require(weighted.languageTarget)
        #expect(Set(realised.keys) == ["en", "de"] && Set(target.keys) == ["en", "de"])
        #expect(abs(realised["de"]! - target["de"]!) < 0.02)
        let plain = try #require(RunReport.mixture(root: root, phase: "plain"))
        #expect(plain.languageRealised == nil && plain.languageTarget == nil)
    }
}
