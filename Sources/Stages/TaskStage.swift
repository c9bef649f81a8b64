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

/// Where a stage's per-task bookkeeping lives under the run root:
/// `logs/<stage>/<task>.log`, `stats/<stage>/<task>.json`, `completions/<stage>/<task>`.
public struct StageLayout: Sendable {
    public let root: String
    public let stage: String

    public init(root: String, stage: String) {
        self.root = root
        self.stage = stage
    }

    public static func taskName(_ task: Int) -> String {
        let digits = String(task)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    public var outputDirectory: String { root + "/" + stage }
    public func logPath(_ task: Int) -> String { "\(root)/logs/\(stage)/\(Self.taskName(task)).log" }
    public func statsPath(_ task: Int) -> String { "\(root)/stats/\(stage)/\(Self.taskName(task)).json" }
    public func completionPath(_ task: Int) -> String { "\(root)/completions/\(stage)/\(Self.taskName(task))" }

    public func isComplete(_ task: Int) -> Bool { FileSystem.exists(completionPath(task)) }

    public func prepare() throws {
        for folder in ["logs", "stats", "completions"] { try FileSystem.createDirectory("\(root)/\(folder)/\(stage)") }
        try FileSystem.createDirectory(outputDirectory)
    }

    /// Stats first, then the empty marker: a task is complete only when both exist.
    public func markComplete(_ task: Int, stats: TaskStats, log: TaskLog) throws {
        try FileSystem.writeAtomically(Array(log.text.utf8), to: logPath(task))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try FileSystem.writeAtomically(Array(try encoder.encode(stats)) + [0x0A], to: statsPath(task))
        try FileSystem.writeAtomically([], to: completionPath(task))
    }

    /// Every task's stats that have been written, in task order.
    public func allStats() throws -> [TaskStats] {
        let folder = "\(root)/stats/\(stage)"
        return try FileSystem.list(folder).filter { $0.hasSuffix(".json") }.map { name in
            let bytes = try FileInput.readAll(path: folder + "/" + name)
            return try JSONDecoder().decode(TaskStats.self, from: Data(bytes))
        }
    }
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
