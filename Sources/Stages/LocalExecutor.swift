import CorpusIO
import Foundation
import Synchronization

/// What an executor did with a stage's tasks.
public struct ExecutionSummary: Sendable {
    public var ran: [Int] = []
    public var skipped: [Int] = []
    public var failed: [(task: Int, error: String)] = []
    public var stats: [TaskStats] = []
    public var seconds: Double = 0

    public init() {}
}

/// Runs a stage's tasks on a bounded pool of worker threads on this machine. Tasks with a
/// completion marker are skipped, so a rerun resumes where a killed run stopped.
public enum LocalExecutor {
    /// - Parameters:
    ///   - only: run just these tasks (a Slurm array element passes its one task).
    ///   - workers: at most this many tasks at once.
    public static func run(_ stage: some TaskStage, root: String, workers: Int, only: [Int]? = nil,
                           echo: @escaping @Sendable (String) -> Void = { _ in },
                           progress: ProgressCounters = ProgressCounters()) throws -> ExecutionSummary {
        let layout = StageLayout(root: root, stage: stage.name)
        try layout.prepare()
        try checkTaskCount(layout, expected: stage.taskCount)
        let tasks = only ?? Array(0..<stage.taskCount)
        let pending = tasks.filter { !layout.isComplete($0) }
        let summary = Mutex(ExecutionSummary())
        summary.withLock { $0.skipped = tasks.filter { layout.isComplete($0) } }
        let next = Atomic<Int>(0)
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, pending.count))) { _ in
            while true {
                let slot = next.add(1, ordering: .relaxed).oldValue
                guard slot < pending.count else { return }
                let task = pending[slot]
                let log = TaskLog(task: task, echo: echo)
                let taskStart = Date()
                let cpuStart = ResourceMeter.threadCPUSeconds()
                do {
                    var stats = try stage.run(task: task, log: log, progress: progress)
                    stats.seconds = Date().timeIntervalSince(taskStart)
                    stats.cpuSeconds = ResourceMeter.threadCPUSeconds() - cpuStart
                    stats.peakResidentBytes = ResourceMeter.peakResidentBytes()
                    FaultInjection.point("task:" + stage.name)   // kill tests: outputs in place, no marker yet
                    try layout.markComplete(task, stats: stats, log: log)
                    summary.withLock {
                        $0.ran.append(task)
                        $0.stats.append(stats)
                    }
                } catch {
                    log("failed: \(error)")
                    try? FileSystem.writeAtomically(Array(log.text.utf8), to: layout.logPath(task))
                    summary.withLock { $0.failed.append((task, "\(error)")) }
                }
                progress.tasksDone.add(1, ordering: .relaxed)
            }
        }
        return summary.withLock {
            $0.ran.sort()
            $0.stats.sort { $0.task < $1.task }
            $0.seconds = Date().timeIntervalSince(started)
            return $0
        }
    }

    /// Outputs of a run split into N tasks cannot be mixed with a rerun split into M.
    private static func checkTaskCount(_ layout: StageLayout, expected: Int) throws {
        if let earlier = try layout.allStats().first, earlier.tasks != expected {
            throw ExecutorError(message: "\(layout.outputDirectory) was written with \(earlier.tasks) tasks, not "
                + "\(expected): rerun with --tasks \(earlier.tasks) or remove \(layout.root) to start over")
        }
    }
}

public struct ExecutorError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
