import CorpusIO
import Foundation
import Testing
@testable import LanguageID

@Suite("catalogs of a locale tree")
struct CatalogCorpusTests {
    @Test("reads every locale's catalogs, labels them, cuts and counts, and skips a corrupt one")
    func readsTree() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-langid-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        func write(_ locale: String, _ package: String, _ bytes: [UInt8]) throws {
            try FileSystem.createDirectory("\(root)/\(locale)/LC_MESSAGES")
            try FileSystem.writeAtomically(bytes, to: "\(root)/\(locale)/LC_MESSAGES/\(package).mo")
        }
        let german = MOCatalogWriter(messages: [
            .init(original: "", translations: ["Content-Type: text/plain; charset=UTF-8\n"]),
            .init(original: "Could not open the file", translations: ["Die Datei konnte nicht geöffnet werden"]),
            .init(original: "%s: %s", translations: ["%s: %s"]),
            .init(original: "Quit the program now", translations: ["Quit the program now"]),
        ])
        try write("de_DE", "tool", german.bytes())
        try write("zh_TW", "tool", MOCatalogWriter(messages: [
            .init(original: "Could not open the file", translations: ["無法開啟檔案"]),
        ]).bytes(bigEndian: true))
        try write("pt_BR", "broken", Array(german.bytes().prefix(40)))
        try FileSystem.createDirectory("\(root)/C/LC_MESSAGES")

        let files = CatalogCorpus.catalogFiles(root: root)
        #expect(files.map(\.label) == ["de", "pt", "zh-Hant"])
        let corpus = CatalogCorpus.read(files)
        #expect(corpus.catalogs == 2)
        #expect(corpus.corrupt.count == 1 && corpus.corrupt[0].contains("broken.mo") && corpus.corrupt[0].contains("at byte"))
        #expect(corpus.cuts[.header] == 1)
        #expect(corpus.cuts[.formatOnly] == 1)        // the original "%s: %s"
        #expect(corpus.cuts[.untranslated] == 2)      // its copied translation, and "Quit the program now"
        #expect(corpus.duplicates == 1)                // the English original again, from zh_TW
        let texts = Set(corpus.texts.map { "\($0.label)|\($0.package)|\($0.text)" })
        #expect(texts == ["en|tool|Could not open the file", "de|tool|Die Datei konnte nicht geöffnet werden",
                          "en|tool|Quit the program now", "zh-Hant|tool|無法開啟檔案"])
    }
}

extension CatalogCorpusTests {
    @Test("the corpus is the same read on one worker or several: cuts, duplicates and which package keeps a text")
    func workersDoNotChangeTheCorpus() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-langid-workers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        // 6 locales x 30 packages: the originals recur in every locale, and each locale's translations recur
        // across its packages, so deduplication depends on the order in which catalogs are counted.
        for (locale, word) in [("de", "Datei"), ("fr", "fichier"), ("es", "archivo"), ("it", "file"), ("nl", "bestand"), ("pt_BR", "arquivo")] {
            for package in 0..<30 {
                var writer = MOCatalogWriter()
                writer.messages.append(.init(original: "", translations: ["Content-Type: text/plain; charset=UTF-8\n"]))
                for message in 0..<12 {
                    let shared = message % 3 == 0 ? "" : " \(package % 4)"
                    writer.messages.append(.init(original: "Could not open the file number \(message)\(shared)",
                                                 translations: ["\(word) \(word) Nummer \(message)\(shared)"]))
                }
                writer.messages.append(.init(original: "%s: %d", translations: ["%s: %d"]))
                try FileSystem.createDirectory("\(root)/\(locale)/LC_MESSAGES")
                try FileSystem.writeAtomically(writer.bytes(), to: "\(root)/\(locale)/LC_MESSAGES/p\(package).mo")
            }
        }
        try FileSystem.writeAtomically([1, 2, 3], to: "\(root)/de/LC_MESSAGES/zz-broken.mo")
        let files = CatalogCorpus.catalogFiles(root: root)
        let one = CatalogCorpus.read(files, workers: 1)
        #expect(one.catalogs == 180 && one.corrupt.count == 1 && one.duplicates > 1_000)
        for workers in [2, 3, 7] {
            let many = CatalogCorpus.read(files, workers: workers)
            #expect(many.texts == one.texts)
            #expect(many.cuts == one.cuts && many.duplicates == one.duplicates)
            #expect(many.catalogs == one.catalogs && many.corrupt == one.corrupt)
        }
    }
}

@Suite("the built-in model on a small locale tree")
struct BuiltinModelTests {
    @Test("loadOrBuild trains once, writes the model and its manifest, then reads the file")
    func buildsWhenMissing() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-langid-build-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sentences = [
            "de": ["Die Datei konnte nicht geöffnet werden", "Das Fenster wird jetzt geschlossen", "Fehler beim Lesen der Datei"],
            "fr": ["Le fichier ne peut pas être ouvert", "La fenêtre va être fermée", "Erreur lors de la lecture du fichier"],
        ]
        let originals = ["Could not open the file", "The window will now be closed", "Error while reading the file"]
        for (locale, texts) in sentences {
            for package in 0..<4 {
                var writer = MOCatalogWriter()
                for (index, text) in texts.enumerated() {
                    writer.messages.append(.init(original: originals[index] + " \(package)", translations: [text + " \(package)"]))
                }
                try FileSystem.createDirectory("\(root)/locale/\(locale)/LC_MESSAGES")
                try FileSystem.writeAtomically(writer.bytes(), to: "\(root)/locale/\(locale)/LC_MESSAGES/pkg\(package).mo")
            }
        }
        // Too few texts per language for the default minimum: the build names the locale root.
        let modelPath = "\(root)/out/model.bin"
        #expect(throws: LanguageIDFileError.self) {
            _ = try BuiltinLanguageModel.loadOrBuild(modelPath: modelPath, localeRoot: "\(root)/locale")
        }
        var options = LanguageTrainerOptions()
        options.minTextsPerLanguage = 1
        options.buckets = 1_000
        options.dim = 4
        let (model, manifest) = try BuiltinLanguageModel.build(localeRoot: "\(root)/locale", modelPath: modelPath,
                                                               split: PackageSplit(testPerMille: 0), options: options)
        #expect(Set(model.labels) == ["en", "de", "fr"])
        #expect(manifest.catalogs == 8 && manifest.trainTexts["de"] == 12 && manifest.heldOutPackages == 0)
        #expect(FileSystem.exists(BuiltinLanguageModel.manifestPath(model: modelPath)))
        let reread = try BuiltinLanguageModel.loadOrBuild(modelPath: modelPath, localeRoot: "/nonexistent")
        #expect(reread.labels == model.labels)
    }
}
