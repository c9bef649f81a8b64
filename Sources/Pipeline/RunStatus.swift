import CorpusIO
import Foundation
import Stages

/// A run folder's state as `plm status` shows it, read from the folder alone: the stages the last
/// `plm run` declared (`run.json`), their completion markers, failed tasks' logs, and the time and
/// memory each stage took.
public struct RunStatus: Sendable {
    public struct Stage: Sendable {
        public var name: String
        public var tasksDone: Int
        public var tasksTotal: Int
        public var failures: [(stage: String, task: Int, log: String)]
        public var usage: ResourceUsage?
    }

    public var root: String
    public var stages: [Stage]

    public init(root: String) throws {
        let layout = RunLayout(root: root)
        guard let bytes = try? FileInput.readAll(path: layout.planPath),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let nodes = object["nodes"] as? [[String: Any]] else {
            throw ExecutorError(message: "\(root) holds no run.json: it is not a run folder, or `plm run` has not started there")
        }
        self.root = root
        stages = nodes.map { node in
            let name = node["name"] as? String ?? "?"
            var done = 0, total = 0
            var failures: [(String, Int, String)] = []
            for part in node["parts"] as? [[String: Any]] ?? [] {
                let stage = layout.stage(part["stage"] as? String ?? "?")
                for case let task as Int in part["tasks"] as? [Any] ?? [] {
                    total += 1
                    if stage.isComplete(task) {
                        done += 1
                    } else if let log = try? FileInput.readAll(path: stage.logPath(task)),
                              String(decoding: log, as: UTF8.self).contains("failed: ") {
                        failures.append((stage.stage, task, stage.logPath(task)))
                    }
                }
            }
            let usage = (try? FileInput.readAll(path: layout.resourcesPath(node: name)))
                .flatMap { try? JSONDecoder().decode(ResourceUsage.self, from: Data($0)) }
            return Stage(name: name, tasksDone: done, tasksTotal: total, failures: failures, usage: usage)
        }
    }

    /// One line per stage: tasks, wall and CPU time with the stage's share of the total, peak memory;
    /// then each failure with its log.
    public func render() -> String {
        let totalWall = stages.compactMap(\.usage?.wallSeconds).reduce(0, +)
        var lines = ["stage                 tasks        wall s   share   CPU s    peak MB"]
        for stage in stages {
            var line = stage.name.padding(toLength: 22, withPad: " ", startingAt: 0)
            line += "\(stage.tasksDone)/\(stage.tasksTotal)".padding(toLength: 12, withPad: " ", startingAt: 0)
            if let usage = stage.usage {
                line += String(format: " %7.1f  %5.1f%%  %7.1f  %8.1f", usage.wallSeconds,
                               totalWall > 0 ? 100 * usage.wallSeconds / totalWall : 0, usage.cpuSeconds,
                               Double(usage.peakResidentBytes) / 1e6)
            } else {
                line += "       -       -        -         -"
            }
            lines.append(line)
        }
        lines.append(String(format: "total wall %.1f s", totalWall))
        for stage in stages {
            for failure in stage.failures { lines.append("failed: \(failure.stage) task \(failure.task): see \(failure.log)") }
        }
        return lines.joined(separator: "\n")
    }
}
