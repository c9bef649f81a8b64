import CorpusIO
import Foundation

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

    /// Removes task `task`'s marker, stats and log, so that it runs again.
    public func forget(_ task: Int) {
        FileSystem.remove(completionPath(task))
        FileSystem.remove(statsPath(task))
        FileSystem.remove(logPath(task))
    }

    /// Removes every task's marker, stats and log (not the output folder: see `RunLayout`).
    public func forgetAll() throws {
        for folder in ["completions", "stats", "logs"] {
            let path = "\(root)/\(folder)/\(stage)"
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        }
    }

    /// Throws unless tasks 0..<tasks all have their completion marker, naming the missing ones.
    public func requireAll(_ tasks: Int, reader: String) throws {
        let missing = (0..<tasks).filter { !isComplete($0) }
        guard !missing.isEmpty else { return }
        throw ExecutorError(message: "\(reader) reads \(stage), whose task\(missing.count == 1 ? "" : "s") "
            + missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? " (+\(missing.count - 10) more)" : "")
            + " of \(tasks) \(missing.count == 1 ? "is" : "are") not complete: run \(missing.count == 1 ? "it" : "them") first")
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
