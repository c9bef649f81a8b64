import CorpusIO

/// One text of a known language, from one package's catalog.
public struct LabelledText: Sendable, Equatable {
    public var label: String
    /// The catalog's domain (`coreutils` for `coreutils.mo`): the unit of the train/test split.
    public var package: String
    public var text: String

    public init(label: String, package: String, text: String) {
        self.label = label
        self.package = package
        self.text = text
    }
}

/// A catalog file found under a locale root.
public struct CatalogFile: Sendable, Equatable {
    public var path: String
    public var locale: String
    public var label: String
    public var package: String
}

/// What reading the catalogs found: the texts, and counts of what was cut and why.
public struct CatalogCorpus: Sendable {
    public var texts: [LabelledText] = []
    public var catalogs = 0
    /// Catalogs that could not be read, with the error (file and byte offset); skipped, not fatal.
    public var corrupt: [String] = []
    /// Messages cut, per rule.
    public var cuts: [CatalogCut: Int] = [:]
    /// Texts dropped because the same label already had the same text.
    public var duplicates = 0

    public init() {}

    /// The `.mo` files of `root` (`/usr/share/locale`): `<locale>/LC_MESSAGES/<package>.mo`, sorted, with
    /// folders that do not name a language left out.
    public static func catalogFiles(root: String) -> [CatalogFile] {
        var files: [CatalogFile] = []
        for locale in FileSystem.list(root).sorted() {
            guard let label = LocaleLabel.label(forLocale: locale) else { continue }
            let folder = "\(root)/\(locale)/LC_MESSAGES"
            for name in FileSystem.list(folder).sorted() where name.hasSuffix(".mo") {
                files.append(CatalogFile(path: "\(folder)/\(name)", locale: locale, label: label,
                                         package: String(name.dropLast(3))))
            }
        }
        return files
    }

    /// Reads every catalog: the translations as texts of the locale's language, the originals as English.
    /// A text already seen with the same label is kept once (the first package, in path order, has it).
    public static func read(_ files: [CatalogFile]) -> CatalogCorpus {
        var corpus = CatalogCorpus()
        var seen: Set<LabelledKey> = []
        // The English originals recur in every locale's copy of a package's catalog (199 locales here), and
        // `clean` is a function of the message alone: each distinct original is cleaned once.
        var cleanedOriginals: [String: Result<String, CatalogCut>] = [:]
        func add(_ label: String, _ package: String, _ message: String) {
            let cleaned: Result<String, CatalogCut>
            if label == LocaleLabel.english {
                if let known = cleanedOriginals[message] {
                    cleaned = known
                } else {
                    cleaned = CatalogText.clean(message)
                    cleanedOriginals[message] = cleaned
                }
            } else {
                cleaned = CatalogText.clean(message)
            }
            switch cleaned {
            case .failure(let cut):
                corpus.cuts[cut, default: 0] += 1
            case .success(let text):
                guard seen.insert(LabelledKey(label: label, text: text)).inserted else {
                    corpus.duplicates += 1
                    return
                }
                corpus.texts.append(LabelledText(label: label, package: package, text: text))
            }
        }
        for file in files {
            let entries: [MOEntry]
            do {
                entries = try MOCatalog.read(path: file.path)
            } catch {
                corpus.corrupt.append("\(error)")
                continue
            }
            corpus.catalogs += 1
            for entry in entries {
                if entry.isHeader {
                    corpus.cuts[.header, default: 0] += 1
                    continue
                }
                add(LocaleLabel.english, file.package, entry.original)
                if let plural = entry.originalPlural { add(LocaleLabel.english, file.package, plural) }
                var forms = Set<String>()
                for form in entry.translations where forms.insert(form).inserted {
                    if form.isEmpty || form == entry.original || form == entry.originalPlural {
                        if file.label != LocaleLabel.english { corpus.cuts[.untranslated, default: 0] += 1 }
                        continue
                    }
                    add(file.label, file.package, form)
                }
            }
        }
        return corpus
    }

    struct LabelledKey: Hashable {
        var label: String
        var text: String
    }
}
