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
