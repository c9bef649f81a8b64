import CorpusIO
import Curation
import Foundation
import Stages

/// Runs the ingest stage of a pipeline on this machine: plans the input, runs the requested tasks
/// on a bounded pool, shows progress, and returns what happened.
public enum IngestRunner {
    public struct Options: Sendable {
        /// Overrides the pipeline's `ingest.tasks`.
        public var tasks: Int?
        /// Run only this task (a cluster array element); nil runs them all.
        public var task: Int?
        /// Overrides the pipeline's `workers`.
        public var workers: Int?
        /// Show a progress bar (terminal) or periodic lines (logs).
        public var progress: Bool

        public init(tasks: Int? = nil, task: Int? = nil, workers: Int? = nil, progress: Bool = true) {
            self.tasks = tasks
            self.task = task
            self.workers = workers
            self.progress = progress
        }
    }

    public static func run(pipeline: PipelineConfig, manifest: Manifest, options: Options,
                           say: @escaping @Sendable (String) -> Void) throws -> ExecutionSummary {
        var config = pipeline.ingest
        if let tasks = options.tasks { config.tasks = tasks }
        if let task = options.task, !(0..<config.tasks).contains(task) {
            throw ExecutorError(message: "--task \(task) is outside 0..<\(config.tasks)")
        }
        let plan = IngestPlan(sources: manifest.ingestSpecs(layout: try RunLayout(pipeline: pipeline)))
        // Links to files or folders already read are routine in /usr/share/doc: count them, list the rest.
        let duplicates = plan.notes.filter { $0.contains(": duplicate_link ") }
        for note in plan.notes where !note.contains(": duplicate_link ") { say("note: \(note)") }
        if !duplicates.isEmpty { say("note: \(duplicates.count) paths skipped as links to files or folders already read") }
        let workers = max(1, options.workers ?? pipeline.workers)
        let only = options.task.map { [$0] }
        let share = only.map { plan.inputs(task: $0[0], of: config.tasks) } ?? plan.inputs
        say("ingest: \(share.count) files, \(megabytes(share.reduce(0) { $0 + $1.file.size })) MB from "
            + "\(manifest.sources.count) sources, \(only == nil ? "\(config.tasks) tasks" : "task \(only![0]) of \(config.tasks)")"
            + " on \(min(workers, only?.count ?? config.tasks)) workers -> \(pipeline.output)/ingest")
        let counters = ProgressCounters()
        let display = options.progress
            ? ProgressDisplay(label: "ingest", counters: counters, totalFiles: share.count,
                              totalBytes: share.reduce(0) { $0 + $1.file.size })
            : nil
        display?.start()
        let stage = IngestStage(root: pipeline.output, plan: plan, config: config)
        let summary = try LocalExecutor.run(stage, root: pipeline.output, workers: workers, only: only,
                                            progress: counters)
        display?.stop()
        return summary
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
}
