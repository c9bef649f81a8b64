import CorpusIO
import Foundation
import Synchronization

/// A stage that runs as independent tasks over a deterministic split of its input (the datatrove
/// model). The executor decides where tasks run; the stage only knows its task number.
public protocol TaskStage: Sendable {
    /// Folder name under the run root (`ingest`, `dedup`, ...).
    var name: String { get }
    var taskCount: Int { get }
    /// Runs one task to completion, writing its outputs under final names only when whole.
    func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats
}

/// A task's log lines, kept in memory and written beside its stats when the task completes.
/// Also echoed to a sink (the terminal or a Slurm log) as they happen.
public final class TaskLog: Sendable {
    private let lines = Mutex<[String]>([])
    private let echo: @Sendable (String) -> Void
    public let task: Int

    public init(task: Int, echo: @escaping @Sendable (String) -> Void = { _ in }) {
        self.task = task
        self.echo = echo
    }

    public func callAsFunction(_ line: String) {
        lines.withLock { $0.append(line) }
        echo("[task \(StageLayout.taskName(task))] \(line)")
    }

    public var text: String { lines.withLock { $0.map { $0 + "\n" }.joined() } }
}

/// Counters a progress display reads while tasks run.
public final class ProgressCounters: Sendable {
    public let filesDone = Atomic<Int>(0)
    public let documents = Atomic<Int>(0)
    public let bytesDone = Atomic<Int>(0)
    public let tasksDone = Atomic<Int>(0)

    public init() {}
}
