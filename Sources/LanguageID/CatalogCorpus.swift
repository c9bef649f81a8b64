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
        // `clean` is a function of the message alone: each worker cleans each distinct original once.
        let memos = OriginalMemos(count: workerCount)
        let batch = 64 * workerCount
        for batchStart in stride(from: 0, to: files.count, by: batch) {
            let batchFiles = Array(files[batchStart..<min(batchStart + batch, files.count)])
            let found = FoundSlots(count: batchFiles.count)
            let next = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: min(workerCount, batchFiles.count)) { worker in
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < batchFiles.count else { break }
                    found.store(memos.withMemo(worker) { readCatalog(batchFiles[index], memo: &$0) }, at: index)
                }
            }
            for catalog in found.values {
                switch catalog {
                case .unreadable(let error):
                    corpus.corrupt.append(error)
                case .read(let events):
                    corpus.catalogs += 1
                    for event in events {
                        switch event {
                        case .cut(let cut):
                            corpus.cuts[cut, default: 0] += 1
                        case .text(let text):
                            guard seen.insert(LabelledKey(label: text.label, text: text.text)).inserted else {
                                corpus.duplicates += 1
                                continue
                            }
                            corpus.texts.append(text)
                        }
                    }
                }
            }
        }
        return corpus
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
        var events: [FoundMessage] = []
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
            case .failure(let cut): events.append(.cut(cut))
            case .success(let text): events.append(.text(LabelledText(label: label, package: file.package, text: text)))
            }
        }
        for entry in entries {
            if entry.isHeader {
                events.append(.cut(.header))
                continue
            }
            add(LocaleLabel.english, entry.original)
            if let plural = entry.originalPlural { add(LocaleLabel.english, plural) }
            var forms = Set<String>()
            for form in entry.translations where forms.insert(form).inserted {
                if form.isEmpty || form == entry.original || form == entry.originalPlural {
                    if file.label != LocaleLabel.english { events.append(.cut(.untranslated)) }
                    continue
                }
                add(file.label, form)
            }
        }
        return .read(events)
    }

    struct LabelledKey: Hashable {
        var label: String
        var text: String
    }
}

/// One slot per catalog of a batch, each written by exactly one worker.
private final class FoundSlots: @unchecked Sendable {
    // @unchecked Sendable: distinct workers write distinct slots (indices handed out by a locked counter),
    // and the slots are read only after concurrentPerform has returned. Raw memory, not an array: an
    // array's mutating access moves its buffer out for the duration, which two threads must not do at once.
    private let slots: UnsafeMutableBufferPointer<CatalogCorpus.FoundCatalog?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.baseAddress?.deinitialize(count: slots.count)
        slots.deallocate()
    }

    func store(_ found: CatalogCorpus.FoundCatalog, at index: Int) { slots[index] = found }

    var values: [CatalogCorpus.FoundCatalog] { slots.map { $0! } }
}

/// Each worker's cleaned English originals, kept across batches.
private final class OriginalMemos: @unchecked Sendable {
    // @unchecked Sendable: worker `i` of concurrentPerform is the only one that touches memo `i`.
    private let memos: UnsafeMutableBufferPointer<[String: Result<String, CatalogCut>]>

    init(count: Int) {
        memos = .allocate(capacity: count)
        memos.initialize(repeating: [:])
    }

    deinit {
        memos.baseAddress?.deinitialize(count: memos.count)
        memos.deallocate()
    }

    func withMemo<T>(_ worker: Int, _ body: (inout [String: Result<String, CatalogCut>]) -> T) -> T {
        body(&memos[worker])
    }
}
