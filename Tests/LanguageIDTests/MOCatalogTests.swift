import Testing
@testable import LanguageID

@Suite("gettext .mo catalogs")
struct MOCatalogTests {
    static let catalog = MOCatalogWriter(messages: [
        .init(original: "", translations: ["Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=3;\n"]),
        .init(original: "Open the file", translations: ["Otwórz plik"]),
        .init(context: "menu", original: "Open", translations: ["Otwórz"]),
        .init(original: "%d file deleted", plural: "%d files deleted",
              translations: ["Usunięto %d plik", "Usunięto %d pliki", "Usunięto %d plików"]),
    ])

    @Test("reads contexts and plural forms, in both byte orders", arguments: [false, true])
    func readsEntries(bigEndian: Bool) throws {
        let entries = try MOCatalog.parse(Self.catalog.bytes(bigEndian: bigEndian), path: "pl.mo")
        #expect(entries.count == 4)
        #expect(entries.filter(\.isHeader).count == 1)
        let open = try #require(entries.first { $0.context == "menu" })
        #expect(open.original == "Open" && open.translations == ["Otwórz"])
        let plural = try #require(entries.first { $0.originalPlural != nil })
        #expect(plural.original == "%d file deleted")
        #expect(plural.originalPlural == "%d files deleted")
        #expect(plural.translations == ["Usunięto %d plik", "Usunięto %d pliki", "Usunięto %d plików"])
        #expect(entries.contains { $0.original == "Open the file" && $0.context == nil && $0.translations == ["Otwórz plik"] })
    }

    @Test("a wrong magic number is an error at byte 0 naming the file")
    func wrongMagic() {
        var bytes = Self.catalog.bytes()
        bytes[0] = 0
        #expect(throws: LanguageIDFileError(path: "x.mo", offset: 0, problem: "not a gettext catalog (magic 0x95041200)")) {
            try MOCatalog.parse(bytes, path: "x.mo")
        }
    }

    @Test("a truncated catalog names the byte where it runs out")
    func truncated() throws {
        let bytes = Self.catalog.bytes()
        // Cut inside the strings: the table still points past the end.
        let error = try #require(throws: LanguageIDFileError.self) { try MOCatalog.parse(Array(bytes.prefix(bytes.count - 10)), path: "t.mo") }
        #expect(error.path == "t.mo")
        #expect(error.problem.contains("runs past the end"))
        #expect(error.offset >= 28)
        // Cut inside the header.
        let header = try #require(throws: LanguageIDFileError.self) { try MOCatalog.parse(Array(bytes.prefix(10)), path: "h.mo") }
        #expect(header.offset == 8 && header.problem.hasPrefix("truncated"))
    }
}
