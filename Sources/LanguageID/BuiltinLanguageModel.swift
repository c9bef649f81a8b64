import CorpusIO
import Foundation

/// What the built-in model was trained on, written beside it as JSON: enough to rebuild it and to know
/// what it can tell apart.
public struct LanguageTrainingManifest: Codable, Sendable, Equatable {
    public var localeRoot: String
    public var catalogs: Int
    /// Catalogs skipped as unreadable, each with its file and byte offset.
    public var corrupt: [String]
    public var cuts: [String: Int]
    public var duplicates: Int
    public var split: PackageSplit
    public var options: LanguageTrainerOptions
    /// Training texts per language (after the cap), and held-out texts per language.
    public var trainTexts: [String: Int]
    public var heldOutTexts: [String: Int]
    public var trainPackages: Int
    public var heldOutPackages: Int
    public var modelBytes: Int

    enum CodingKeys: String, CodingKey {
        case localeRoot = "locale_root", catalogs, corrupt, cuts, duplicates, split, options
        case trainTexts = "train_texts", heldOutTexts = "held_out_texts", trainPackages = "train_packages"
        case heldOutPackages = "held_out_packages", modelBytes = "model_bytes"
    }
}

/// The catalogs of a machine read, cut and split: what training and evaluation share.
public struct LanguageDataset: Sendable {
    public var corpus: CatalogCorpus
    public var split: PackageSplit
    /// Training side, languages with enough texts, capped per language.
    public var train: [LabelledText]
    /// Held-out packages' texts in the trained languages.
    public var test: [LabelledText]

    public static func load(localeRoot: String, split: PackageSplit, options: LanguageTrainerOptions) -> LanguageDataset {
        let corpus = CatalogCorpus.read(CatalogCorpus.catalogFiles(root: localeRoot))
        let sides = split.split(corpus.texts)
        let train = LanguageTrainer(options: options).selectTexts(sides.train)
        let languages = Set(train.map(\.label))
        return LanguageDataset(corpus: corpus, split: split, train: train,
                               test: sides.test.filter { languages.contains($0.label) })
    }
}

/// The model `plm langid train` builds and the pipeline's language filter uses when no other is named.
public enum BuiltinLanguageModel {
    public static let defaultLocaleRoot = "/usr/share/locale"

    /// The training manifest's path beside a model.
    public static func manifestPath(model: String) -> String {
        (model.hasSuffix(".bin") ? String(model.dropLast(4)) : model) + ".json"
    }

    /// Trains on the training packages' catalogs and writes the model (fastText format) and its manifest.
    @discardableResult
    public static func build(localeRoot: String = defaultLocaleRoot, modelPath: String,
                             split: PackageSplit = PackageSplit(), options: LanguageTrainerOptions = LanguageTrainerOptions(),
                             say: (String) -> Void = { _ in }) throws -> (FastTextModel, LanguageTrainingManifest) {
        let data = LanguageDataset.load(localeRoot: localeRoot, split: split, options: options)
        guard Set(data.train.map(\.label)).count >= 2 else {
            throw LanguageIDFileError(path: localeRoot, offset: 0, problem: "fewer than two languages with "
                + "\(options.minTextsPerLanguage) texts in \(data.corpus.catalogs) catalogs: nothing to tell apart")
        }
        say("langid: \(data.corpus.catalogs) catalogs (\(data.corpus.corrupt.count) unreadable), \(data.train.count) "
            + "training texts in \(Set(data.train.map(\.label)).count) languages")
        let model = LanguageTrainer(options: options).train(data.train) { done, total in
            say("langid: trained \(done) / \(total) examples")
        }
        let bytes = FastTextWriter.bytes(of: model)
        try FileSystem.createDirectory(FileSystem.parent(of: modelPath))
        try FileSystem.writeAtomically(bytes, to: modelPath)
        func counts(_ texts: [LabelledText]) -> [String: Int] {
            texts.reduce(into: [:]) { $0[$1.label, default: 0] += 1 }
        }
        let packages = Set(data.corpus.texts.map(\.package))
        let heldOut = packages.filter(split.isHeldOut).count
        let manifest = LanguageTrainingManifest(
            localeRoot: localeRoot, catalogs: data.corpus.catalogs, corrupt: data.corpus.corrupt,
            cuts: Dictionary(uniqueKeysWithValues: data.corpus.cuts.map { ($0.key.rawValue, $0.value) }),
            duplicates: data.corpus.duplicates, split: split, options: options, trainTexts: counts(data.train),
            heldOutTexts: counts(data.test), trainPackages: packages.count - heldOut, heldOutPackages: heldOut,
            modelBytes: bytes.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileSystem.writeAtomically(Array(try encoder.encode(manifest)) + [0x0A], to: manifestPath(model: modelPath))
        return (model, manifest)
    }

    /// The model at `path`, built first when it is missing. Processes that start together (a run's filter
    /// tasks as Slurm array elements) wait on one lock beside the model: one trains, the others read its file.
    public static func loadOrBuild(modelPath: String, localeRoot: String = defaultLocaleRoot,
                                   say: (String) -> Void = { _ in }) throws -> FastTextModel {
        if FileSystem.exists(modelPath) { return try FastTextFile.read(path: modelPath) }
        try FileSystem.createDirectory(FileSystem.parent(of: modelPath))
        let lockPath = modelPath + ".lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else {
            throw LanguageIDFileError(path: lockPath, offset: 0, problem: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(lock) }         // closing drops the lock
        guard flock(lock, LOCK_EX) == 0 else {
            throw LanguageIDFileError(path: lockPath, offset: 0, problem: "cannot lock: \(String(cString: strerror(errno)))")
        }
        if FileSystem.exists(modelPath) { return try FastTextFile.read(path: modelPath) }
        say("langid: no model at \(modelPath); training one from the catalogs under \(localeRoot)")
        return try build(localeRoot: localeRoot, modelPath: modelPath, say: say).0
    }
}

/// A language model as a filter or the command line uses it: whole documents (newlines read as spaces, as
/// datatrove does before calling fastText), labels without `__label__`.
public struct LanguageIdentifier: Sendable {
    public let model: FastTextModel

    public init(model: FastTextModel) { self.model = model }

    /// Every label with its probability, best first; none for a text with no word (fastText would still
    /// answer from its end-of-line row alone, which says nothing about the text).
    public func scores(_ text: String, scratch: inout FastTextModel.Scratch) -> [LabelScore] {
        predict(text, k: -1, scratch: &scratch)
    }

    /// The best label, or nil for a text with no word: `FastTextModel.best` (fastText's label, its probability
    /// to within about 1e-6).
    public func best(_ text: String, scratch: inout FastTextModel.Scratch) -> LabelScore? {
        withLine(text, scratch: &scratch) { line, scratch in model.best(bytes: line, scratch: &scratch) } ?? nil
    }

    func predict(_ text: String, k: Int, scratch: inout FastTextModel.Scratch) -> [LabelScore] {
        withLine(text, scratch: &scratch) { line, scratch in
            model.predict(bytes: line, k: k, threshold: 0, scratch: &scratch)
        } ?? []
    }

    /// `body` on the text with newlines read as spaces; nil for a text with no word.
    private func withLine<T>(_ text: String, scratch: inout FastTextModel.Scratch,
                             _ body: (UnsafeBufferPointer<UInt8>, inout FastTextModel.Scratch) -> T) -> T? {
        // Taken out of the scratch (not copied), so that its buffer is reused rather than reallocated.
        var line: [UInt8] = []
        swap(&line, &scratch.text)
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: text.utf8)
        var hasWord = false
        for index in line.indices {
            switch line[index] {
            case 0x0A: line[index] = 0x20
            case 0x20, 0x09, 0x0B, 0x0C, 0x0D, 0x00: break
            default: hasWord = true
            }
        }
        defer { scratch.text = line }
        guard hasWord else { return nil }
        return line.withUnsafeBufferPointer { body($0, &scratch) }
    }
}
