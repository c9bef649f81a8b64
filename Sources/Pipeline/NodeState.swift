import CorpusIO
import Stages

/// Where a node of a run stands on disk, judged against the fingerprint it would have now.
public struct NodeState: Sendable {
    public enum Status: Sendable, Equatable {
        /// Every task complete, made with the current settings and inputs.
        case done
        /// Made with other settings or inputs (the reasons say which), or with none recorded.
        case stale([String])
        /// Started with the current settings; some tasks are complete.
        case partial
        /// Nothing made yet.
        case pending
    }

    public var status: Status
    public var tasksDone: Int
    public var tasksTotal: Int
    /// Tasks without a completion marker whose log records a failure, with the log's path.
    public var failures: [(stage: String, task: Int, log: String)]

    /// Reads the markers and the stored fingerprint of `node` under `layout`.
    public init(node: StageNode, layout: RunLayout) {
        var done = 0, total = 0, anyMarker = false
        var failures: [(String, Int, String)] = []
        for part in node.parts {
            let stage = layout.stage(part.stage)
            for task in part.tasks {
                total += 1
                if stage.isComplete(task) {
                    done += 1
                    anyMarker = true
                } else if let log = try? FileInput.readAll(path: stage.logPath(task)),
                          String(decoding: log, as: UTF8.self).contains("failed: ") {
                    failures.append((part.stage, task, stage.logPath(task)))
                }
            }
        }
        tasksDone = done
        tasksTotal = total
        self.failures = failures
        guard let stored = StageFingerprint.read(path: layout.fingerprintPath(node: node.name)) else {
            status = anyMarker ? .stale(["no fingerprint recorded (made by an older plm or a single-task command)"])
                : .pending
            return
        }
        let reasons = stored.differences(from: node.fingerprint)
        if !reasons.isEmpty {
            status = .stale(reasons)
        } else {
            status = done == total ? .done : done > 0 ? .partial : .pending
        }
    }

    /// `done`, `stale (why)`, `3 of 8 tasks done`, `to run`.
    public var summary: String {
        switch status {
        case .done: "done"
        case .stale(let reasons):
            "stale: " + reasons.prefix(3).joined(separator: "; ") + (reasons.count > 3 ? " (+\(reasons.count - 3) more)" : "")
        case .partial: "\(tasksDone) of \(tasksTotal) tasks done"
        case .pending: "to run"
        }
    }
}
