import CorpusIO
import Foundation
import LanguageID
import Stages
import Testing
@testable import Curation

@Suite("the language filter")
struct LanguageFilterTests {
    /// A small model that tells English, German and French apart (seeded, so every run trains the same one).
    static let model: FastTextModel = {
        let words = [
            "en": ["the", "file", "could", "not", "be", "opened", "because", "of", "an", "error", "with", "window", "and"],
            "de": ["die", "Datei", "konnte", "nicht", "geöffnet", "werden", "weil", "ein", "Fehler", "mit", "Fenster", "und"],
            "fr": ["le", "fichier", "ne", "pouvait", "pas", "être", "ouvert", "à", "cause", "d'une", "erreur", "fenêtre", "et"],
        ]
        var texts: [LabelledText] = []
        var state: UInt64 = 1
        for (label, vocabulary) in words.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<150 {
                let sentence = (0..<6).map { _ -> String in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return vocabulary[Int((state >> 33) % UInt64(vocabulary.count))]
                }
                texts.append(LabelledText(label: label, package: "p", text: sentence.joined(separator: " ")))
            }
        }
        var options = LanguageTrainerOptions()
        options.buckets = 5_000
        options.dim = 8
        options.epochs = 10
        return LanguageTrainer(options: options).train(texts)
    }()

    @Test("writes the language and its score, keeps listed languages above the bar, names the others")
    func decisions() throws {
        var config = LanguageFilterConfig()
        let filter = LanguageFilter(config: config, model: Self.model)
        var metadata: [String: JSONValue] = [:]
        var english = "The file could not be opened\nbecause of an error with the window."
        #expect(filter.apply(to: &english, metadata: &metadata) == .keep)
        #expect(metadata["language"] == .string("en"))
        guard case .double(let score) = metadata["language_score"] else { Issue.record("no score"); return }
        #expect(score > 0.65)
        var german = "Die Datei konnte nicht geöffnet werden, weil ein Fehler mit dem Fenster"
        #expect(filter.apply(to: &german, metadata: &metadata) == .drop("de"))
        #expect(metadata["language"] == .string("de"))
        config.minScore = 1
        var strict = english
        #expect(LanguageFilter(config: config, model: Self.model).apply(to: &strict, metadata: &metadata) == .drop("low_score"))
        var blank = "  \n "
        #expect(filter.apply(to: &blank, metadata: &metadata) == .drop("no_words"))
        config.languages = nil
        var any = german
        var fresh: [String: JSONValue] = [:]
        #expect(LanguageFilter(config: config, model: Self.model).apply(to: &any, metadata: &fresh) == .keep)
        #expect(fresh["language"] == .string("de"))
    }

    @Test("a task's filter keeps its word cache across documents and answers each as a fresh filter does")
    func cacheAcrossDocuments() throws {
        let config = LanguageFilterConfig()
        let task = LanguageFilter(config: config, model: Self.model).forTask()
        let texts = ["The file could not be opened", "Die Datei konnte nicht geöffnet werden", "le fichier ne pouvait pas",
                     "the window and the file", "Fehler mit Fenster und Datei", "the file could not be opened"]
        for text in texts + texts.reversed() {
            var seen: [String: JSONValue] = [:], alone: [String: JSONValue] = [:]
            var first = text, second = text
            let decision = task.apply(to: &first, metadata: &seen)
            #expect(decision == LanguageFilter(config: config, model: Self.model).apply(to: &second, metadata: &alone))
            #expect(seen == alone, "\(text)")
        }
    }

    @Test("the filter stage counts documents and bytes per language, and writes the language into each document")
    func throughTheStage() throws {
        let folder = try TemporaryFolder()
        let root = folder.path
        let input = "\(root)/ingest/docs/\(StageLayout.taskName(0)).jsonl.zst"
        try FileSystem.createDirectory(FileSystem.parent(of: input))
        let writer = try ZstdFileWriter(path: input)
        var line: [UInt8] = []
        let texts = [("docs/a", "the file could not be opened because of an error"),
                     ("docs/b", "an error with the window and the file"),
                     ("docs/c", "le fichier ne pouvait pas être ouvert à cause d'une erreur")]
        for (id, text) in texts {
            line.removeAll()
            Document(id: id, text: text, source: "docs", added: "2024-01-01T00:00:00Z", metadata: [:]).jsonLine(into: &line)
            try writer.write(line)
        }
        try writer.commit()
        var config = FilterConfig()
        config.byDomain = ["default": ["language"]]
        let filters = try config.makeFilters(forDomain: "prose", languageModel: Self.model)
        let stage = FilterStage(root: root, input: "ingest", sources: [FilterSource(name: "docs", filters: filters)],
                                tasks: 1, writeExcluded: true)
        let stats = try stage.run(task: 0, log: TaskLog(task: 0), progress: ProgressCounters())
        let counts = try #require(stats.sources["docs"])
        #expect(counts.documents == 2)
        #expect(counts.languages == ["en": LanguageCount(documents: 2, bytes: texts[0].1.utf8.count + texts[1].1.utf8.count)])
        #expect(counts.skipped == ["language/fr": 1])
        let encoded = try JSONEncoder().encode(counts)
        #expect(try JSONDecoder().decode(SourceStats.self, from: encoded) == counts)
        var kept: [Document] = []
        try ZstdLineReader.forEachLine(path: stage.outputPath(source: "docs", task: 0)) { raw in
            guard case .line(let bytes, _) = raw, !bytes.isEmpty else { return }
            kept.append(try JSONDecoder().decode(Document.self, from: Data(bytes)))
        }
        #expect(kept.map { $0.metadata["language"] } == [.string("en"), .string("en")])
    }

    @Test("the language filter without a model is an error, not a crash")
    func needsModel() {
        var config = FilterConfig()
        config.byDomain = ["default": ["language"]]
        #expect(throws: MissingLanguageModelError.self) { try config.makeFilters(forDomain: "prose") }
    }
}
