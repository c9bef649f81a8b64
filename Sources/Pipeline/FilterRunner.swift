import CorpusIO
import Curation
import Foundation
import LanguageID
import Stages

/// Runs the filter stage on this machine over dedup's output (or ingest's, when dedup is off).
public enum FilterRunner {
    public struct Options: Sendable {
        public var task: Int?
        public var tasks: Int?
        public var workers: Int?
        public var progress: Bool

        public init(task: Int? = nil, tasks: Int? = nil, workers: Int? = nil, progress: Bool = true) {
            self.task = task
            self.tasks = tasks
            self.workers = workers
            self.progress = progress
        }
    }

    public static func run(pipeline: PipelineConfig, manifest: Manifest, options: Options,
                           say: @escaping @Sendable (String) -> Void) throws -> ExecutionSummary {
        let root = pipeline.output
        let ingest = try DedupRunner.completedIngest(root: root)
        let input = try inputFolder(root: root, pipeline: pipeline, tasks: ingest.tasks)
        let languageModel = try loadLanguageModel(pipeline: pipeline, say: say)
        let sources = try manifest.sources.map { source in
            FilterSource(name: source.name, filters: try pipeline.filters.makeFilters(forDomain: source.spec.domain,
                                                                                      languageModel: languageModel))
        }
        let stage = FilterStage(root: root, input: input, sources: sources, tasks: ingest.tasks,
                                writeExcluded: pipeline.filters.writeExcluded)
        if let tasks = options.tasks, tasks != stage.taskCount {
            throw ExecutorError(message: "filter has \(stage.taskCount) tasks here (one per ingest task), not \(tasks)")
        }
        if let task = options.task, !(0..<stage.taskCount).contains(task) {
            throw ExecutorError(message: "--task \(task) is outside 0..<\(stage.taskCount)")
        }
        let counters = ProgressCounters()
        let display = options.progress && options.task == nil
            ? ProgressDisplay(label: "filter", counters: counters, totalFiles: 0, totalBytes: ingest.textBytes)
            : nil
        display?.start()
        let summary = try LocalExecutor.run(stage, root: root, workers: max(1, options.workers ?? pipeline.workers),
                                            only: options.task.map { [$0] }, progress: counters)
        display?.stop()
        say("filter (\(input) -> filter/output): \(summary.ran.count) tasks run, \(summary.skipped.count) already "
            + "complete, \(summary.failed.count) failed in \(String(format: "%.1f", summary.seconds)) s")
        return summary
    }

    /// Where the run keeps its built-in language model (and its training manifest beside it).
    public static func builtinLanguageModelPath(root: String) -> String { "\(root)/langid/model.bin" }

    /// The language filter's model when a chain uses it: the file `filters.language.model` names, or the
    /// run's built-in model, trained from this machine's gettext catalogs when it is missing.
    static func loadLanguageModel(pipeline: PipelineConfig, say: @escaping @Sendable (String) -> Void) throws -> FastTextModel? {
        guard pipeline.filters.usesLanguageFilter else { return nil }
        if let path = pipeline.filters.language.model { return try FastTextFile.read(path: path) }
        return try BuiltinLanguageModel.loadOrBuild(modelPath: builtinLanguageModelPath(root: pipeline.output), say: say)
    }

    /// Dedup's kept documents when dedup is on (it must be finished), else ingest's documents.
    static func inputFolder(root: String, pipeline: PipelineConfig, tasks: Int) throws -> String {
        guard pipeline.dedup.exact || pipeline.dedup.minhash else { return "ingest" }
        let layout = StageLayout(root: root, stage: RemoveStage.stageName)
        let missing = (0..<tasks).filter { !layout.isComplete($0) }
        guard missing.isEmpty else {
            throw ExecutorError(message: "dedup is not finished (remove tasks \(missing.map(String.init).joined(separator: ", ")) "
                + "missing): run `plm dedup` first, or disable dedup in the pipeline")
        }
        return "dedup/output"
    }
}
