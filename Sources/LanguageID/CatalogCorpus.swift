import CorpusIO
import Dispatch
import Foundation
import Synchronization

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
    ///
    /// Catalogs are read and cleaned on `workers` threads, a batch of files at a time; what they found is
    /// then counted and deduplicated in path order, so the corpus is the same for any number of workers.
    public static func read(_ files: [CatalogFile], workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> CatalogCorpus {
        var corpus = CatalogCorpus()
        var seen: Set<LabelledKey> = []
        let workerCount = max(1, workers)
        // The English originals recur in every locale's copy of a package's catalog (199 locales here), and
        // `clean` is a function of the message alone: each worker cleans each distinct original once, its
        // memo kept from batch to batch.
        let memos = Mutex([[String: Result<String, CatalogCut>]](repeating: [:], count: workerCount))
        let batch = 64 * workerCount
        for batchStart in stride(from: 0, to: files.count, by: batch) {
            let batchFiles = Array(files[batchStart..<min(batchStart + batch, files.count)])
            let found = Mutex([FoundCatalog?](repeating: nil, count: batchFiles.count))
            let next = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: min(workerCount, batchFiles.count)) { worker in
                var memo = memos.withLock { all in
                    defer { all[worker] = [:] }       // moved out for the batch, not copied
                    return all[worker]
                }
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < batchFiles.count else { break }
                    let catalog = readCatalog(batchFiles[index], memo: &memo)
                    found.withLock { $0[index] = catalog }
                }
                memos.withLock { $0[worker] = memo }
            }
            for catalog in found.withLock({ $0 }) { corpus.add(catalog!, seen: &seen) }
        }
        return corpus
    }

    /// Counts what one catalog gave and keeps its texts not seen before with the same label.
    private mutating func add(_ catalog: FoundCatalog, seen: inout Set<LabelledKey>) {
        switch catalog {
        case .unreadable(let error):
            corrupt.append(error)
        case .read(let messages):
            catalogs += 1
            for message in messages {
                switch message {
                case .cut(let cut):
                    cuts[cut, default: 0] += 1
                case .text(let text) where seen.insert(LabelledKey(label: text.label, text: text.text)).inserted:
                    texts.append(text)
                case .text:
                    duplicates += 1
                }
            }
        }
    }

    /// What one catalog gives, in `read`'s order: each message's text or the rule that cut it.
    enum FoundCatalog {
        case unreadable(String)
        case read([FoundMessage])
    }

    enum FoundMessage {
        case cut(CatalogCut)
        case text(LabelledText)
    }

    /// One catalog read and cleaned (no deduplication: that needs the catalogs before it).
    static func readCatalog(_ file: CatalogFile, memo: inout [String: Result<String, CatalogCut>]) -> FoundCatalog {
        let entries: [MOEntry]
        do {
            entries = try MOCatalog.read(path: file.path)
        } catch {
            return .unreadable("\(error)")
        }
        var messages: [FoundMessage] = []
        func add(_ label: String, _ message: String) {
            let cleaned: Result<String, CatalogCut>
            if label == LocaleLabel.english {
                if let known = memo[message] {
                    cleaned = known
                } else {
                    cleaned = CatalogText.clean(message)
                    memo[message] = cleaned
                }
            } else {
                cleaned = CatalogText.clean(message)
            }
            switch cleaned {
            case .failure(let cut): messages.append(.cut(cut))
            case .success(let text): messages.append(.text(LabelledText(label: label, package: file.package, text: text)))
            }
        }
        for entry in entries {
            if entry.isHeader {
                messages.append(.cut(.header))
                continue
            }
            add(LocaleLabel.english, entry.original)
            if let plural = entry.originalPlural { add(LocaleLabel.english, plural) }
            var forms = Set<String>()
            for form in entry.translations where forms.insert(form).inserted {
                if form.isEmpty || form == entry.original || form == entry.originalPlural {
                    if file.label != LocaleLabel.english { messages.append(.cut(.untranslated)) }
                    continue
                }
                add(file.label, form)
            }
        }
        return .read(messages)
    }

    struct LabelledKey: Hashable {
        var label: String
        var text: String
    }
}
