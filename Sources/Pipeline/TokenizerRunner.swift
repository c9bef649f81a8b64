import CorpusIO
import Curation
import Foundation
import Synchronization
import Stages
import Tokenization

/// Trains the run's tokenizer on the filtered documents (the `tokenizer` stage of `plm run`), or on
/// any files (`plm tokenizer train FILE...`): counts words on all cores, learns the merges, writes
/// the tokenizer folder.
public enum TokenizerRunner {
    public static let stageName = "tokenizer"

    public struct Options: Sendable {
        public var workers: Int?
        public var progress: Bool
        /// Train again even when the run already has a finished tokenizer.
        public var retrain: Bool
        /// Run only this counting task (a cluster array element), then stop; nil counts every task not done.
        public var task: Int?
        /// Count (all tasks, or `task`) without training.
        public var countOnly: Bool

        public init(workers: Int? = nil, progress: Bool = true, retrain: Bool = false, task: Int? = nil, countOnly: Bool = false) {
            self.workers = workers
            self.progress = progress
            self.retrain = retrain
            self.task = task
            self.countOnly = countOnly
        }
    }

    /// What a training did.
    public struct Summary: Sendable {
        public var folder: String
        /// True when the run's tokenizer was already trained and nothing ran.
        public var skipped = false
        public var model: BPEModel?
        public var totals = TokenizerCorpus.Totals()
        public var distinctWords = 0
        public var countSeconds = 0.0
        public var trainSeconds = 0.0

        public init(folder: String) {
            self.folder = folder
        }
    }

    /// The pipeline's stage: trains unless the run already has a finished tokenizer. `config`
    /// overrides the pipeline's `tokenizer:` section (the command line's options). A task stage of
    /// one task: its marker, log and stats sit with every other stage's.
    public static func run(pipeline: PipelineConfig, manifest: Manifest, config: TokenizerConfig? = nil,
                           options: Options, say: @escaping @Sendable (String) -> Void) throws -> Summary {
        let config = try config ?? TokenizerConfig.load(from: pipeline)
        let root = pipeline.output
        let layout = StageLayout(root: root, stage: stageName)
        let folder = config.outputFolder(root: root)
        if options.retrain {
            layout.forget(0)
            try StageLayout(root: root, stage: TokenizerCounts.stageName).forgetAll()
        }
        if layout.isComplete(0) && FileSystem.exists(TokenizerFolder.mainFile(in: folder)) {
            say("tokenizer: already trained in \(folder)")
            var summary = Summary(folder: folder)
            summary.skipped = true
            return summary
        }
        let workers = options.workers ?? pipeline.workers
        let documents = try TrainingDocuments.of(pipeline: pipeline, manifest: manifest)
        let input = try inputFiles(root: root, manifest: manifest, config: config, documents: documents)
        let countTasks = config.countTasks ?? pipeline.ingest.tasks
        // Counting: the tasks not yet done (all of them, or the one a cluster element names).
        let stage = TokenizerCounts.CountStage(root: root, files: input.files, taskCount: countTasks, preset: config.preset,
                                               bufferBytes: config.countBufferBytes,
                                               threads: options.task == nil ? max(1, workers / countTasks) : workers)
        if options.task == nil || options.countOnly {
            let counted = try LocalExecutor.run(stage, root: root, workers: max(1, min(workers, countTasks)),
                                                only: options.task.map { [$0] })
            if let failure = counted.failed.first {
                throw ExecutorError(message: "tokenizer: counting task \(failure.task) failed: \(failure.error)")
            }
            if options.countOnly { return Summary(folder: folder) }
        }
        try StageLayout(root: root, stage: TokenizerCounts.stageName).requireAll(countTasks, reader: "the tokenizer")
        let result = Mutex<Summary?>(nil)
        let training = ClosureStage(name: stageName) { log, _ in
            let merged = try TokenizerCounts.merge(root: root, tasks: countTasks, minWordCount: config.minWordCount)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try FileSystem.writeAtomically(Array(try encoder.encode(merged.summary)) + [0x0A],
                                           to: TokenizerCounts.summaryPath(root: root))
            var summary = try Self.train(words: merged.words, options: config.trainerOptions, folder: folder,
                                    modelMaxLength: config.modelMaxLength, progress: options.progress, say: say)
            var stats = TaskStats(stage: stageName, task: 0, tasks: 1)
            for task in try StageLayout(root: root, stage: TokenizerCounts.stageName).allStats() {
                for (source, counts) in task.sources {
                    stats.sources[source, default: SourceStats()].add(counts)
                    summary.totals.documents += counts.documents
                    summary.totals.bytes += counts.textBytes
                    summary.totals.bySource[source, default: TokenizerCorpus.Totals.Count()].documents += counts.documents
                    summary.totals.bySource[source, default: TokenizerCorpus.Totals.Count()].bytes += counts.textBytes
                }
            }
            let cut = merged.summary.cutWords > 0
                ? "; \(merged.summary.cutWords) words seen fewer than \(config.minWordCount) times cut "
                    + "(\(merged.summary.cutOccurrences) occurrences)" : ""
            say("tokenizer: \(merged.summary.distinctWords) distinct words from \(countTasks) counting tasks" + cut)
            log("trained on \(summary.totals.documents) documents, \(summary.totals.bytes) bytes, "
                + "\(merged.summary.keptWords) of \(merged.summary.distinctWords) distinct words\(cut); "
                + "vocab \(summary.model?.vocabSize ?? 0) in \(folder)")
            result.withLock { $0 = summary }
            return stats
        }
        let execution = try LocalExecutor.run(training, root: root, workers: 1, echo: { _ in })
        if let failure = execution.failed.first { throw ExecutorError(message: "tokenizer: \(failure.error)") }
        return result.withLock { $0 } ?? Summary(folder: folder)
    }

    /// Trains on counted words and writes the folder.
    static func train(words: WordCounts, options: BPETrainer.Options, folder: String, modelMaxLength: Int, progress: Bool,
                      say: @escaping @Sendable (String) -> Void) throws -> Summary {
        var summary = Summary(folder: folder)
        summary.distinctWords = words.distinctWords
        let trainStart = Date()
        let merges = TokenizerProgressDisplay(enabled: progress)
        let model = try BPETrainer(options: options).train(words, progress: merges.update)
        summary.trainSeconds = Date().timeIntervalSince(trainStart)
        try TokenizerFolder.write(model, modelMaxLength: modelMaxLength, to: folder)
        summary.model = model
        say("tokenizer: vocab \(model.vocabSize) (\(model.addedTokens.count) special, \(model.merges.count) merges) "
            + "in \(String(format: "%.1f", summary.trainSeconds)) s -> \(folder)")
        return summary
    }

    /// The run's finished documents (filter or decontaminate output), each source sampled to its share of `config.sampleBytes`:
    /// the first pretraining phase's weights split the budget (a source it does not weight gets
    /// none); without weights the budget is spread in proportion to each source's text.
    public static func inputFiles(root: String, manifest: Manifest, config: TokenizerConfig,
                                  documents: TrainingDocuments = .filtered) throws -> (files: [TokenizerInputFile], textBytes: Int) {
        let layout = StageLayout(root: root, stage: documents.stage)
        let stats = try layout.allStats()
        guard let tasks = stats.first?.tasks else {
            throw ExecutorError(message: "\(root) has no \(documents.stage) output: run `\(documents.command)` (or `plm run`) first")
        }
        try documents.requireComplete(root: root, tasks: tasks, reader: "the tokenizer")
        var available: [String: Int] = [:]
        for task in stats { for (source, counts) in task.sources { available[source, default: 0] += counts.textBytes } }
        let fractions = sampleFractions(sources: manifest.sources.map(\.name), available: available,
                                        weights: manifest.phases.first { $0.kind == .pretrain }?.weights ?? [:],
                                        budget: config.sampleBytes)
        var files: [TokenizerInputFile] = []
        var textBytes = 0
        for source in manifest.sources.map(\.name) {
            let fraction = fractions[source] ?? 0
            guard fraction > 0 else { continue }
            textBytes += available[source] ?? 0
            for task in 0..<tasks {
                let path = "\(root)/\(documents.folder)/\(source)/\(StageLayout.taskName(task)).jsonl.zst"
                if FileSystem.exists(path) { files.append(TokenizerInputFile(path: path, fraction: fraction, source: source)) }
            }
        }
        return (files, textBytes)
    }

    /// The share of each source's text to read for a sample of `budget` bytes (all of it without a
    /// budget). The budget is split by weight (by size without weights); a source with less text
    /// than its share is taken whole and what it leaves goes to the others, again by weight.
    static func sampleFractions(sources: [String], available: [String: Int], weights: [String: Double],
                                budget: Int?) -> [String: Double] {
        var fractions: [String: Double] = [:]
        guard let budget else {
            for source in sources { fractions[source] = 1 }
            return fractions
        }
        let useWeights = sources.contains { (weights[$0] ?? 0) > 0 }
        func weight(_ source: String) -> Double {
            useWeights ? weights[source] ?? 0 : Double(available[source] ?? 0)
        }
        var open = sources.filter { (available[$0] ?? 0) > 0 && weight($0) > 0 }
        var left = Double(budget)
        while !open.isEmpty && left > 0 {
            let total = open.reduce(0.0) { $0 + weight($1) }
            // Sources whose share covers all their text are taken whole; repeat until none is.
            let whole = open.filter { left * weight($0) / total >= Double(available[$0] ?? 0) }
            if whole.isEmpty {
                for source in open {
                    fractions[source] = left * weight(source) / total / Double(available[source] ?? 1)
                }
                break
            }
            for source in whole {
                fractions[source] = 1
                left -= Double(available[source] ?? 0)
            }
            open.removeAll { whole.contains($0) }
        }
        return fractions
    }

    /// Counts the words of `files`, trains and writes the folder.
    public static func train(files: [TokenizerInputFile], options: BPETrainer.Options, folder: String,
                             modelMaxLength: Int = TokenizerConfig().modelMaxLength, workers: Int,
                             progress: Bool, totalBytes: Int = 0,
                             say: @escaping @Sendable (String) -> Void) throws -> Summary {
        var summary = Summary(folder: folder)
        // Refuse an impossible vocabulary size before spending time on the text.
        if let minimum = options.minimumVocabSize, options.vocabSize < minimum {
            throw BPETrainingError.vocabSizeTooSmall(vocabSize: options.vocabSize, minimum: minimum,
                                                     specialTokens: Set(options.specialTokens).count)
        }
        let counter = WordCounter(preset: options.preset, workers: max(1, workers))
        let counters = ProgressCounters()
        let display = progress ? ProgressDisplay(label: "tokenizer words", counters: counters,
                                                 totalFiles: files.count, totalBytes: totalBytes) : nil
        let countStart = Date()
        display?.start()
        summary.totals = try TokenizerCorpus.count(files, into: counter, progress: counters)
        let words = counter.finish()
        display?.stop()
        summary.countSeconds = Date().timeIntervalSince(countStart)
        summary.distinctWords = words.distinctWords
        say("tokenizer: \(summary.totals.documents) documents, "
            + "\(String(format: "%.1f", Double(summary.totals.bytes) / 1e6)) MB of text, \(words.distinctWords) distinct "
            + "words (\(options.preset.rawValue) pattern) in \(String(format: "%.1f", summary.countSeconds)) s")
        let trainStart = Date()
        let merges = TokenizerProgressDisplay(enabled: progress)
        let model = try BPETrainer(options: options).train(words, progress: merges.update)
        summary.trainSeconds = Date().timeIntervalSince(trainStart)
        try TokenizerFolder.write(model, modelMaxLength: modelMaxLength, to: folder)
        summary.model = model
        say("tokenizer: vocab \(model.vocabSize) (\(model.addedTokens.count) special, \(model.merges.count) merges) "
            + "in \(String(format: "%.1f", summary.trainSeconds)) s -> \(folder)")
        return summary
    }
}
