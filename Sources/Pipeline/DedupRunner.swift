import CorpusIO
import Curation
import Foundation
import Stages

/// Runs dedup's four stages in order on this machine (or one stage, or one task of one stage, as a
/// cluster array element would). Each stage resumes; a stage with a failed task stops the run.
public enum DedupRunner {
    public enum Stage: String, CaseIterable, Sendable {
        case signatures, buckets, cluster, remove
    }

    public struct Options: Sendable {
        public var stages: [Stage]
        public var task: Int?
        /// When given, must equal the stage's task count (a cluster script states what it expects).
        public var tasks: Int?
        public var workers: Int?
        public var progress: Bool

        public init(stages: [Stage] = Stage.allCases, task: Int? = nil, tasks: Int? = nil, workers: Int? = nil,
                    progress: Bool = true) {
            self.stages = stages
            self.task = task
            self.tasks = tasks
            self.workers = workers
            self.progress = progress
        }
    }

    public static func run(pipeline: PipelineConfig, manifest: Manifest, options: Options,
                           say: @escaping @Sendable (String) -> Void) throws -> [(stage: Stage, summary: ExecutionSummary)] {
        let root = pipeline.output
        let ingest = try completedIngest(root: root)
        let layout = DedupLayout(root: root, ingestTasks: ingest.tasks, config: pipeline.dedup)
        let sources = manifest.sources.map { DedupSource(name: $0.name, priority: $0.priority, domain: $0.spec.domain) }
        let workers = max(1, options.workers ?? pipeline.workers)
        var results: [(Stage, ExecutionSummary)] = []
        for stage in Stage.allCases where options.stages.contains(stage) {
            let taskStage: any TaskStage
            switch stage {
            case .signatures: taskStage = SignatureStage(layout: layout, sources: sources)
            case .buckets: taskStage = BucketStage(layout: layout)
            case .cluster: taskStage = ClusterStage(layout: layout)
            case .remove: taskStage = RemoveStage(layout: layout, sources: sources)
            }
            if let tasks = options.tasks, tasks != taskStage.taskCount {
                throw ExecutorError(message: "dedup \(stage.rawValue) has \(taskStage.taskCount) tasks here, not \(tasks)")
            }
            if let task = options.task, !(0..<taskStage.taskCount).contains(task) {
                throw ExecutorError(message: "--task \(task) is outside 0..<\(taskStage.taskCount) for dedup \(stage.rawValue)")
            }
            let counters = ProgressCounters()
            let reads = stage == .signatures || stage == .remove
            let display = options.progress && reads
                ? ProgressDisplay(label: "dedup \(stage.rawValue)", counters: counters, totalFiles: 0,
                                  totalBytes: options.task == nil ? ingest.textBytes : 0)
                : nil
            display?.start()
            let summary = try runStage(taskStage, root: root, workers: workers, only: options.task.map { [$0] },
                                       progress: counters)
            display?.stop()
            say("dedup \(stage.rawValue): \(summary.ran.count) tasks run, \(summary.skipped.count) already complete, "
                + "\(summary.failed.count) failed in \(String(format: "%.1f", summary.seconds)) s")
            results.append((stage, summary))
            if !summary.failed.isEmpty { break }
        }
        return results
    }

    private static func runStage(_ stage: some TaskStage, root: String, workers: Int, only: [Int]?,
                                 progress: ProgressCounters) throws -> ExecutionSummary {
        try LocalExecutor.run(stage, root: root, workers: workers, only: only, progress: progress)
    }

    /// The ingest stage's task count and text size; every ingest task must be complete.
    static func completedIngest(root: String) throws -> (tasks: Int, textBytes: Int) {
        let layout = StageLayout(root: root, stage: "ingest")
        let stats = try layout.allStats()
        guard let tasks = stats.first?.tasks else {
            throw ExecutorError(message: "\(root) has no ingest output: run `plm ingest` first")
        }
        let missing = (0..<tasks).filter { !layout.isComplete($0) }
        guard missing.isEmpty else {
            throw ExecutorError(message: "ingest tasks \(missing.map(String.init).joined(separator: ", ")) of \(tasks) "
                + "are not complete: finish `plm ingest` first")
        }
        let bytes = stats.reduce(0) { $0 + $1.sources.values.reduce(0) { $0 + $1.textBytes } }
        return (tasks, bytes)
    }
}
