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
    /// Stages whose figures are their tasks' sums (run as cluster jobs, with no whole-stage measurement).
    public var taskSums: Set<String> = []
    /// The last Slurm submission of the run (`plm run --executor slurm`), if any.
    public var slurm: SlurmJobRecord.Submission?

    public init(root: String) throws {
        let layout = RunLayout(root: root)
        guard let bytes = try? FileInput.readAll(path: layout.planPath),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let nodes = object["nodes"] as? [[String: Any]] else {
            throw ExecutorError(message: "\(root) holds no run.json: it is not a run folder, or `plm run` has not started there")
        }
        self.root = root
        var summed: Set<String> = []
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
            var usage = (try? FileInput.readAll(path: layout.resourcesPath(node: name)))
                .flatMap { try? JSONDecoder().decode(ResourceUsage.self, from: Data($0)) }
            if usage == nil {
                // A stage run as cluster jobs has no whole-stage figure: its tasks' own, summed (the peak is
                // the largest task's, each task being its own process).
                let tasks = (node["parts"] as? [[String: Any]] ?? []).flatMap { part in
                    (try? layout.stage(part["stage"] as? String ?? "?").allStats()) ?? []
                }
                if !tasks.isEmpty {
                    usage = ResourceUsage(wallSeconds: tasks.reduce(0) { $0 + $1.seconds },
                                          cpuSeconds: tasks.reduce(0) { $0 + ($1.cpuSeconds ?? 0) },
                                          peakResidentBytes: tasks.compactMap(\.peakResidentBytes).max() ?? 0, peakIsOwn: true)
                    summed.insert(name)
                }
            }
            return Stage(name: name, tasksDone: done, tasksTotal: total, failures: failures, usage: usage)
        }
        slurm = try SlurmJobRecord.load(root: root).submissions.last
        taskSums = summed
    }

    /// The Slurm jobs of the last submission with their states (`queue`, from squeue and sacct).
    public func renderSlurm(_ queue: SlurmQueue) -> String {
        guard let slurm else { return "" }
        var lines = ["slurm jobs submitted \(slurm.submitted) (states from \(queue.source)):"]
        for job in slurm.jobs {
            let states = queue.states[job.jobID].map { counts in
                counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            } ?? ended(job)
            lines.append("  " + job.label.padding(toLength: 22, withPad: " ", startingAt: 0)
                + "job \(job.jobID)".padding(toLength: 12, withPad: " ", startingAt: 0)
                + (job.array.map { "tasks \($0)" } ?? "one task").padding(toLength: 16, withPad: " ", startingAt: 0)
                + states)
        }
        return lines.joined(separator: "\n")
    }

    /// A job no longer queued, judged by its tasks' completion markers: `ended, done`, or which tasks
    /// are missing (failed or cancelled; rerunning plm run --executor slurm resubmits them).
    private func ended(_ job: SlurmJobRecord.Job) -> String {
        let missing: [Int]
        if let stage = job.stage, let tasks = job.array.flatMap(SlurmArray.tasks) {
            let layout = RunLayout(root: root).stage(stage)
            missing = tasks.filter { !layout.isComplete($0) }
        } else {
            let node = stages.first { $0.name == job.node }
            missing = node.map { $0.tasksDone == $0.tasksTotal ? [] : [0] } ?? [0]
        }
        if missing.isEmpty { return "ended, done" }
        return job.stage == nil ? "ended, not done" : "ended, tasks \(SlurmArray.spec(missing)) not done"
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
                if taskSums.contains(stage.name) { line += " *" }
            } else {
                line += "       -       -        -         -"
            }
            lines.append(line)
        }
        lines.append(String(format: "total wall %.1f s", totalWall))
        if !taskSums.isEmpty {
            lines.append("* ran as cluster jobs: the sum of its tasks' time, and the largest task's peak memory")
        }
        for stage in stages {
            for failure in stage.failures { lines.append("failed: \(failure.stage) task \(failure.task): see \(failure.log)") }
        }
        return lines.joined(separator: "\n")
    }
}
