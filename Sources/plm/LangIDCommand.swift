import ArgumentParser
import CorpusIO
import Foundation
import LanguageID

struct LangIDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "langid",
        abstract: "Language identification: train the built-in model from the machine's gettext catalogs, "
            + "evaluate it on held-out packages, predict with it or with any fastText model (lid.176, GlotLID).",
        subcommands: [LangIDTrainCommand.self, LangIDPredictCommand.self, LangIDEvalCommand.self, LangIDExportCommand.self])

    static let defaultModel = "shards/langid/model.bin"
}

/// Where the catalogs are and how packages are split; shared by train, eval and export.
struct CatalogArguments: ParsableArguments {
    @Option(help: "The folder of locale folders holding LC_MESSAGES/*.mo.")
    var localeRoot = BuiltinLanguageModel.defaultLocaleRoot

    @Option(help: "Packages held out for evaluation, in thousandths (by a hash of the package name).")
    var heldOutPerMille = 200

    @Option(help: "Seed of the package split.")
    var splitSeed: UInt64 = 0

    func validate() throws {
        guard (0...1000).contains(heldOutPerMille) else { throw ValidationError("--held-out-per-mille is 0...1000") }
    }

    var split: PackageSplit { PackageSplit(testPerMille: heldOutPerMille, seed: splitSeed) }
}

/// The built-in model's training settings; the defaults are `LanguageTrainerOptions`'s, which the pipeline uses.
struct TrainerArguments: ParsableArguments {
    private static let defaults = LanguageTrainerOptions()
    @Option(help: "Embedding size.") var dim = defaults.dim
    @Option(help: "Hash buckets for character n-grams.") var buckets = defaults.buckets
    @Option(help: "Shortest character n-gram.") var minn = defaults.minn
    @Option(help: "Longest character n-gram.") var maxn = defaults.maxn
    @Option(help: "Passes over the training texts.") var epochs = defaults.epochs
    @Option(help: "Starting learning rate (falls linearly to 0).") var learningRate: Float = defaults.learningRate
    @Option(help: "Most training texts per language.") var maxTexts = defaults.maxTextsPerLanguage
    @Option(help: "Fewest training texts for a language to be learnt.") var minTexts = defaults.minTextsPerLanguage
    @Option(help: "Seed of the initial weights and the order of examples.") var seed: UInt64 = defaults.seed

    func validate() throws {
        guard dim > 0, buckets > 0, minn >= 1, maxn >= minn, epochs > 0, learningRate > 0, maxTexts > 0, minTexts > 0 else {
            throw ValidationError("dim, buckets, epochs, learning rate and text counts must be positive, 1 <= minn <= maxn")
        }
    }

    var options: LanguageTrainerOptions {
        var options = LanguageTrainerOptions()
        options.dim = dim
        options.buckets = buckets
        options.minn = minn
        options.maxn = maxn
        options.epochs = epochs
        options.learningRate = learningRate
        options.maxTextsPerLanguage = maxTexts
        options.minTextsPerLanguage = minTexts
        options.seed = seed
        return options
    }
}

struct LangIDTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the built-in model on the training packages' catalogs; writes the model (fastText .bin "
            + "format) and its training manifest (.json) beside it.")

    @OptionGroup var catalogs: CatalogArguments
    @OptionGroup var trainer: TrainerArguments

    @Option(help: "Where to write the model.")
    var output = LangIDCommand.defaultModel

    func run() throws {
        let start = Date()
        let (_, manifest) = try BuiltinLanguageModel.build(localeRoot: catalogs.localeRoot, modelPath: output,
                                                           split: catalogs.split, options: trainer.options, say: Console.say)
        Console.say(String(format: "langid: wrote %@ (%d bytes, %d languages) and %@ in %.1f s", output, manifest.modelBytes,
                           manifest.trainTexts.count, BuiltinLanguageModel.manifestPath(model: output),
                           Date().timeIntervalSince(start)))
        if !manifest.corrupt.isEmpty {
            Console.note("\(manifest.corrupt.count) catalogs skipped: \(manifest.corrupt.prefix(3).joined(separator: "; "))")
        }
    }
}

struct LangIDPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Print the language of each line of the files (or of standard input).",
        discussion: """
            Each output line is the best labels with their probabilities, then the text, tab-separated. With
            --document each file is one text (newlines read as spaces, as the pipeline's language filter reads a
            document). The model is the built-in one (trained when missing) or any fastText .bin / .ftz.
            """)

    @Option(help: "A fastText model (.bin or .ftz); the built-in model when omitted.")
    var model = LangIDCommand.defaultModel

    @Option(name: .short, help: "How many labels to print per text.")
    var k = 1

    @Flag(help: "Each file is one document.")
    var document = false

    @Argument(help: "Text files; standard input when none.")
    var files: [String] = []

    func run() throws {
        let loaded = model == LangIDCommand.defaultModel
            ? try BuiltinLanguageModel.loadOrBuild(modelPath: model, say: Console.say)
            : try FastTextFile.read(path: model)
        let identifier = LanguageIdentifier(model: loaded)
        var scratch = FastTextModel.Scratch()
        func show(_ text: String) {
            let scores = document ? Array(identifier.scores(text, scratch: &scratch).prefix(k))
                : loaded.predict(text, k: k, scratch: &scratch)
            // Probabilities as the shortest decimal that reads back as the same float32.
            let labels = scores.map { "\($0.label) \($0.probability)" }.joined(separator: " ")
            print(labels + "\t" + (document ? "" : text))
        }
        let inputs = files.isEmpty ? ["/dev/stdin"] : files
        for path in inputs {
            let text = String(decoding: try FileInput.readAll(path: path), as: UTF8.self)
            if document {
                show(text)
            } else {
                for line in text.split(separator: "\n", omittingEmptySubsequences: true) { show(String(line)) }
            }
        }
    }
}

struct LangIDEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Accuracy on the held-out packages' catalogs, per language, macro and micro, for short texts "
            + "(under 50 characters) and joined ones (5 messages), and speed on one thread.",
        discussion: """
            With --texts, the texts are read from fastText-format files (`__label__<lang> <text>` lines, as `plm langid
            export` writes them) instead, and --predictions writes the best label of each text, one per line, so
            that a benchmark can score other systems on the same texts.
            """)

    @OptionGroup var catalogs: CatalogArguments

    @Option(help: "A fastText model (.bin or .ftz); the built-in model when omitted.")
    var model = LangIDCommand.defaultModel

    @Option(help: "Labelled text files to evaluate on instead of the catalogs' held-out packages.")
    var texts: [String] = []

    @Option(help: "With --texts: a folder to write <file name>.predictions into.")
    var predictions: String?

    @Option(help: "Also write the results as JSON here.")
    var json: String?

    func run() throws {
        let loaded = model == LangIDCommand.defaultModel
            ? try BuiltinLanguageModel.loadOrBuild(modelPath: model, say: Console.say)
            : try FastTextFile.read(path: model)
        let identifier = LanguageIdentifier(model: loaded)
        var sets: [(String, [LabelledText])] = []
        if texts.isEmpty {
            let known = Set(loaded.labels)
            let data = LanguageDataset.load(localeRoot: catalogs.localeRoot, split: catalogs.split,
                                            options: LanguageTrainerOptions())
            let test = data.test.filter { known.contains($0.label) }
            sets = [("short", EvaluationTexts.short(test)), ("joined", EvaluationTexts.joined(test))]
        } else {
            sets = try texts.map { ($0, try Self.readLabelled(path: $0)) }
        }
        var scratch = FastTextModel.Scratch()
        var results: [String: LanguageEvaluation] = [:]
        for (name, texts) in sets {
            var answers: [String] = []
            let result = LanguageEvaluation.run(texts) { text in
                let label = identifier.best(text, scratch: &scratch)?.label
                answers.append(label ?? "")
                return label
            }
            results[name] = result
            print(result.table(title: "\(name): ours"))
            if let predictions {
                try FileSystem.createDirectory(predictions)
                let file = (name as NSString).lastPathComponent + ".predictions"
                try FileSystem.writeAtomically(Array((answers.joined(separator: "\n") + "\n").utf8), to: predictions + "/" + file)
            }
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try FileSystem.writeAtomically(Array(try encoder.encode(results)), to: json)
        }
    }

    /// `__label__<lang> <text>` lines.
    static func readLabelled(path: String) throws -> [LabelledText] {
        let content = String(decoding: try FileInput.readAll(path: path), as: UTF8.self)
        return try content.split(separator: "\n").enumerated().map { index, line in
            guard line.hasPrefix("__label__"), let space = line.firstIndex(of: " ") else {
                throw ValidationError("\(path): line \(index + 1) is not `__label__<lang> <text>`")
            }
            return LabelledText(label: String(line[line.index(line.startIndex, offsetBy: 9)..<space]), package: "",
                                text: String(line[line.index(after: space)...]))
        }
    }
}

struct LangIDExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the split as fastText training files (train.txt, test-short.txt, test-joined.txt: "
            + "`__label__<lang> <text>` lines), for training fastText itself and for the benchmarks' peers.")

    @OptionGroup var catalogs: CatalogArguments
    @OptionGroup var trainer: TrainerArguments

    @Option(help: "Folder to write the files into.")
    var output: String

    func run() throws {
        let data = LanguageDataset.load(localeRoot: catalogs.localeRoot, split: catalogs.split, options: trainer.options)
        try FileSystem.createDirectory(output)
        // Shuffled: fastText reads its training file in order (our trainer shuffles every epoch itself).
        for (name, texts) in [("train", EvaluationTexts.shuffled(data.train, seed: trainer.seed)), ("test-short", EvaluationTexts.short(data.test)),
                              ("test-joined", EvaluationTexts.joined(data.test))] {
            var bytes: [UInt8] = []
            for text in texts { bytes += Array("__label__\(text.label) \(text.text)\n".utf8) }
            try FileSystem.writeAtomically(bytes, to: "\(output)/\(name).txt")
            Console.say("langid: \(output)/\(name).txt: \(texts.count) texts")
        }
    }
}
