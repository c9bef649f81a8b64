import Foundation
import Testing
@testable import Shards

/// A phase's `language_weights`: languages as pools within a source, counted from the shards themselves.
@Suite struct LanguageWeightPackingTests {
    let encoder = ByteEncoder()

    func options() -> PackOptions {
        var options = PackOptions()
        options.seqLen = 1023  // every document fits whole with best fit, so samples can be read back by document
        options.packing = .bestFit
        options.validationFraction = 0.1
        options.seed = 3
        options.shardSizeLimit = 1 << 16
        options.workers = 2
        return options
    }

    /// `count` documents of `source` in `language`, their text starting "<source>-<language>-<i>: ".
    func documents(_ source: String, _ language: String?, count: Int, length: (Int) -> Int) -> [PackDocument] {
        textDocuments(source: "\(source)-\(language ?? "none")", count: count, length: length).map {
            var document = $0
            document.source = source
            document.language = language
            return document
        }
    }

    /// One source with English and German (German a little larger), and a source whose documents carry no language.
    var corpus: [PackDocument] {
        documents("web", "en", count: 150, length: { 120 + ($0 * 37) % 200 })
            + documents("web", "de", count: 200, length: { 130 + ($0 * 53) % 220 })
            + documents("web", "fr", count: 30, length: { 100 + ($0 * 11) % 100 })
            + documents("code", nil, count: 60, length: { 100 + ($0 * 29) % 150 })
    }

    /// Bytes of text per document prefix ("web-en") in a split's samples.
    func bytesByPrefix(_ directory: String) throws -> [String: Int] {
        var bytes: [String: Int] = [:]
        for sample in try allSamples(directory) {
            for piece in encoder.decode(sample.tokens).split(separator: "<|endoftext|>") where piece.contains(": ") {
                let name = piece.prefix { $0 != ":" }
                bytes[String(name[..<name.lastIndex(of: "-")!]), default: 0] += piece.utf8.count
            }
        }
        return bytes
    }

    @Test func sharesFollowWeightTimesAvailableTokens() throws {
        try withTemporaryDirectory { directory in
            let mixture = PhaseMixture(name: "p", tokens: 60_000, weights: ["web": 3, "code": 1],
                                       languageWeights: ["en": 1, "de": 0.25])
            let report = try PhasePacker(mixture: mixture, options: options(), encoder: encoder, tokenizerHash: "t")
                .pack(corpus, into: directory)
            let web = try #require(report.train.sources["web"]?.languages)
            let en = try #require(web["en"]), de = try #require(web["de"])
            // The source's target is unchanged; its languages share it by weight x available tokens.
            #expect(report.train.sources["web"]!.targetTokens == 45_000)
            let enMass = Double(en.availableTokens), deMass = 0.25 * Double(de.availableTokens)
            let aim = enMass / (enMass + deMass)
            #expect(abs(Double(en.targetTokens) / 45_000 - aim) < 1e-4)
            #expect(en.targetTokens + de.targetTokens == 45_000)
            #expect(en.weight == 1 && de.weight == 0.25)
            // French is not listed and there is no `other`: left out.
            #expect(web["other"]?.selectedTokens == 0)
            // The source without languages keeps its whole target.
            #expect(report.train.sources["code"]?.languages == nil)
            #expect(report.train.sources["code"]!.selectedTokens == 15_000)
            let share = try #require(report.train.shareByLanguage), target = try #require(report.train.targetShareByLanguage)
            for language in ["en", "de", "none"] {
                #expect(abs(share[language]! - target[language]!) < 0.01, "\(language)")
            }
            // Counted from the shards: within 1% of the split the weights aim at.
            let bytes = try bytesByPrefix(directory + "/train")
            let enShare = Double(bytes["web-en"]!) / Double(bytes["web-en"]! + bytes["web-de"]!)
            #expect(abs(enShare - aim) < 0.01, "\(enShare) against \(aim)")
            #expect(bytes["web-fr"] == nil)
            #expect(try bytesByPrefix(directory + "/val")["web-fr"] == nil)
        }
    }

    @Test func weightZeroExcludesAndOtherTakesTheRest() throws {
        try withTemporaryDirectory { directory in
            let untagged = documents("web", nil, count: 20, length: { 100 + $0 })
            let mixture = PhaseMixture(name: "p", weights: ["web": 1], languageWeights: ["en": 1, "de": 0, "other": 1])
            let report = try PhasePacker(mixture: mixture, options: options(), encoder: encoder, tokenizerHash: "t")
                .pack(corpus.filter { $0.source == "web" } + untagged, into: directory)
            let bytes = try bytesByPrefix(directory + "/train")
            #expect(bytes["web-de"] == nil)
            // French and the documents without a language are `other`, drawn at weight 1 like English.
            #expect(bytes["web-fr"]! > 0 && bytes["web-none"]! > 0 && bytes["web-en"]! > 0)
            let other = try #require(report.train.sources["web"]?.languages?["other"])
            #expect(other.documents + report.validation.sources["web"]!.languages!["other"]!.documents == 50)
            #expect(report.train.shareByLanguage?["de"] == nil)
            // Without a budget the source's target is its tokens once: English and `other` fill German's part.
            #expect(report.train.sources["web"]!.targetTokens == report.train.sources["web"]!.availableTokens)
            #expect(report.train.sources["web"]!.languages!["en"]!.action == "upsampled")
        }
    }

    @Test func aSourceWithNoWeightedLanguageIsAnError() throws {
        try withTemporaryDirectory { directory in
            let mixture = PhaseMixture(name: "p", tokens: 1000, weights: ["web": 1], languageWeights: ["it": 1])
            #expect(throws: ShardError.self) {
                try PhasePacker(mixture: mixture, options: options(), encoder: encoder, tokenizerHash: "t")
                    .pack(corpus, into: directory)
            }
            var refuse = options()
            refuse.allowUpsample = false
            let upsampling = PhaseMixture(name: "p", weights: ["web": 1], languageWeights: ["en": 1, "de": 0.1])
            #expect(throws: ShardError.self) {
                try PhasePacker(mixture: upsampling, options: refuse, encoder: encoder, tokenizerHash: "t")
                    .pack(corpus, into: directory + "/b")
            }
        }
    }

    @Test func withoutWeightsLanguagesChangeNoByte() throws {
        try withTemporaryDirectory { directory in
            let mixture = PhaseMixture(name: "p", tokens: 30_000, weights: ["web": 1, "code": 1])
            var unlabelled = corpus
            for index in unlabelled.indices { unlabelled[index].language = nil }
            for (name, documents) in [("a", corpus), ("b", unlabelled)] {
                try PhasePacker(mixture: mixture, options: options(), encoder: encoder, tokenizerHash: "t")
                    .pack(documents, into: directory + "/" + name)
            }
            for file in ["train/index.json", "train/shard.00000.mds.zstd", "val/index.json", "phase.json"] {
                #expect(try readFile(directory + "/a/" + file) == readFile(directory + "/b/" + file), "\(file)")
            }
            let report = try PhaseReport.load(directory: directory + "/a")
            #expect(report.train.shareByLanguage == nil && report.train.sources["web"]?.languages == nil)
        }
    }

    @Test func theParserReadsTheFiltersLanguage() throws {
        let line = Data(#"{"id":"d","text":"Hallo Welt","metadata":{"language":"de","language_score":0.98}}"#.utf8)
        let document = try PackRecordParser.parse(line: line, defaultSource: "web", lineNumber: 1).get()
        #expect(document.language == "de")
        let bare = try PackRecordParser.parse(line: Data(#"{"text":"x","metadata":{"language":3}}"#.utf8),
                                              defaultSource: "web", lineNumber: 1).get()
        #expect(bare.language == nil)
    }
}
