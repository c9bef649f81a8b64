import Testing
@testable import LanguageID

@Suite("catalog messages as text")
struct CatalogTextTests {
    @Test("each cutting rule, by name", arguments: [
        ("%s: %s", CatalogCut.formatOnly),
        ("<b>%d</b> — %%", .formatOnly),
        ("/usr/share 1.2.3 42", .fewLetters),
        ("F1 F2 F3 F10 F12", .fewLetters),
        ("— 12 —", .formatOnly),
        ("file_name", .identifier),
        ("--no-color", .identifier),
        ("gtkFileChooser", .identifier),
        ("org.gnome.Shell", .identifier),
        ("Cancel", .singleWord),
        ("_Open", .singleWord),
        ("文件", .singleWord),
    ])
    func cuts(message: String, rule: CatalogCut) {
        #expect(CatalogText.clean(message) == .failure(rule))
    }

    @Test("prose survives, with markers, markup and directives removed", arguments: [
        ("_Open the file", "Open the file"),
        ("Save &As…", "Save As…"),
        ("打开文件(_O)", "打开文件"),
        ("Deleted %d files in %s", "Deleted files in"),
        ("Could not open <b>%(name)s</b>:\n%s", "Could not open :"),
        ("Tom &amp; Jerry went home", "Tom Jerry went home"),
        ("Save 50% of the space", "Save 50% of the space"),
        ("Remove {count} items from ${HOME}", "Remove items from"),
        ("無法開啟檔案", "無法開啟檔案"),
    ])
    func keeps(message: String, text: String) {
        #expect(CatalogText.clean(message) == .success(text))
    }

    @Test("locale folders become ISO 639 labels, scripts kept apart", arguments: [
        ("pt_BR", "pt"), ("pt", "pt"), ("de_DE.UTF-8", "de"), ("zh_CN", "zh-Hans"), ("zh_TW", "zh-Hant"),
        ("zh_HK", "zh-Hant"), ("zh_Hans", "zh-Hans"), ("sr", "sr"), ("sr@latin", "sr-Latn"), ("sr@Latn", "sr-Latn"),
        ("uz@cyrillic", "uz-Cyrl"), ("be@latin", "be-Latn"), ("ca@valencia", "ca"), ("en_GB", "en"), ("en@quot", "en"),
        ("no", "nb"), ("iw", "he"), ("az_IR", "az-Arab"), ("ast", "ast"),
    ])
    func labels(folder: String, label: String) {
        #expect(LocaleLabel.label(forLocale: folder) == label)
    }

    @Test("folders that are not a language have no label", arguments: ["C", "POSIX", "locale.alias", "en@boldquot", "x1"])
    func noLabel(folder: String) {
        #expect(LocaleLabel.label(forLocale: folder) == nil)
    }
}
