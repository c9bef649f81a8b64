import CorpusIO
import Foundation
import Stages

/// Runs a pipeline's graph on a Slurm cluster: one sbatch script per stage under `<root>/slurm/`, each
/// node's task stages as array jobs over the tasks not yet complete (ingest, dedup's four stages, filter,
/// decontaminate) and every other node (tokenizer, each pack, training phase and evaluation) as one job,
/// submitted in graph order, each waiting for the one before (`afterok`). Every element runs the same
/// `plm` binary on the shared filesystem (`plm slurm-task`), writes the same outputs and completion markers
/// as the local executor, and logs to `<root>/slurm/logs/`. Submitting again submits only what is missing.
public struct SlurmExecutor {
    public let runner: GraphRunner
    public let settings: ExecutorSettings
    /// The `plm` every job runs: this process's own executable (a cluster shares the filesystem).
    public let binary: String
    /// Where jobs start (`cd`): relative paths in the pipeline resolve as they did here.
    public let workingDirectory: String

    public init(runner: GraphRunner, settings: ExecutorSettings, binary: String, workingDirectory: String) {
        self.runner = runner
        self.settings = settings
        self.binary = binary
        self.workingDirectory = workingDirectory
    }

    public var folder: String { runner.layout.root + "/slurm" }
    public var logFolder: String { folder + "/logs" }

    /// The jobs `selection` needs now, in submission order; writes nothing.
    public func plan(_ selection: GraphRunner.Selection) throws -> [SlurmJob] {
        try checkPaths()
        var jobs: [SlurmJob] = []
        for node in try runner.selected(selection) {
            let status = runner.state(of: node).status
            if status == .done { continue }
            // A stale or pending node is cleared at submission: all its tasks run.
            let resumes = status == .partial
            if Self.arrayNode(node) {
                for part in node.parts {
                    let stage = runner.layout.stage(part.stage)
                    let missing = part.tasks.filter { !resumes || !stage.isComplete($0) }
                    guard !missing.isEmpty else { continue }
                    jobs.append(job(node: node.name, stage: part.stage, tasks: missing, stageTasks: part.tasks.count,
                                    number: jobs.count))
                }
            } else {
                jobs.append(job(node: node.name, stage: nil, tasks: nil, stageTasks: 1, number: jobs.count))
            }
        }
        return jobs
    }

    static func arrayNode(_ node: StageNode) -> Bool { GraphRunner.runsAsArray(node) }

    /// Prepares the selected nodes (as `run` would), writes the scripts, submits them in order and records
    /// the job ids. Refuses while jobs of the last submission are still queued or running.
    @discardableResult
    public func submit(_ selection: GraphRunner.Selection, say: (String) -> Void) throws -> [SlurmJobRecord.Job] {
        let root = runner.layout.root
        var record = try SlurmJobRecord.load(root: root)
        try refuseWhileQueued(record)
        let jobs: [SlurmJob]
        do {
            // Held while outputs are cleared and scripts written; released before the first job can start.
            let lock = try RunLock(path: runner.layout.lockPath)
            defer { lock.release() }
            jobs = try plan(selection)
            guard !jobs.isEmpty else {
                say("slurm: nothing to submit, every selected stage is done")
                return []
            }
            try runner.writePlan()
            try runner.forgetPacksOfAnotherPhaseList()
            let nodes = Set(jobs.map(\.node))
            for node in try runner.selected(selection) where nodes.contains(node.name) {
                try runner.prepareForSubmission(node)
            }
            try FileSystem.createDirectory(logFolder)
            for job in jobs { try FileSystem.writeAtomically(Array(job.script.utf8), to: job.scriptPath) }
        }
        record.submissions.append(.init(submitted: ISO8601DateFormatter().string(from: Date()), jobs: []))
        var previous: String?
        for job in jobs {
            var arguments = ["--parsable"]
            if let previous { arguments.append("--dependency=afterok:\(previous)") }
            let result = try SlurmCommands.run("sbatch", arguments + [job.scriptPath])
            let id = result.output.split(separator: "\n").last.flatMap { $0.split(separator: ";").first }
                .map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            guard result.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
                try record.write(root: root)
                throw ExecutorError(message: "sbatch \(job.scriptPath) failed (exit \(result.status)): "
                    + (result.errors + result.output).trimmingCharacters(in: .whitespacesAndNewlines)
                    + (previous == nil ? "" : "; the jobs submitted before it are recorded in \(SlurmJobRecord.path(root: root))"))
            }
            record.submissions[record.submissions.count - 1].jobs.append(
                .init(node: job.node, stage: job.stage, array: job.tasks.map(SlurmArray.spec), jobID: id,
                      dependsOn: previous, script: job.scriptPath))
            try record.write(root: root)
            say("slurm: \(job.label)" + (job.tasks.map { " tasks \(SlurmArray.spec($0)) of \($0.count == job.stageTasks ? "\(job.stageTasks)" : "\(job.stageTasks) (the rest are done)")" } ?? "")
                + " submitted as job \(id)" + (previous.map { " (after \($0))" } ?? ""))
            previous = id
        }
        return record.submissions.last?.jobs ?? []
    }

    /// A new submission while the last one's jobs are queued would run the same tasks twice.
    private func refuseWhileQueued(_ record: SlurmJobRecord) throws {
        guard let last = record.submissions.last, !last.jobs.isEmpty, SlurmCommands.exists("squeue") else { return }
        let active = try SlurmQueue.activeStates()
        let queued = last.jobs.filter { active[$0.jobID] != nil }
        guard queued.isEmpty else {
            throw ExecutorError(message: "jobs of this run's last submission are still queued or running ("
                + queued.map { "\($0.node) \($0.jobID)" }.joined(separator: ", ")
                + "): wait for them (plm status \(runner.layout.root)) or scancel them, then submit again")
        }
    }

    /// Slurm's `#SBATCH` lines take no quoting: the run folder must be one word.
    private func checkPaths() throws {
        if runner.layout.root.contains(where: { $0.isWhitespace }) {
            throw ExecutorError(message: "the run folder \(runner.layout.root) has a space in its path, which sbatch's "
                + "--output cannot take: choose an output folder without spaces for a Slurm run")
        }
    }

    private func job(node: String, stage: String?, tasks: [Int]?, stageTasks: Int, number: Int) -> SlurmJob {
        let stem = String(format: "%02d-", number) + Self.fileName(SlurmJobRecord.Job.label(node: node, stage: stage))
        var lines = ["#!/bin/bash",
                     "# plm run --executor slurm: \(stage ?? node)" + (tasks.map { ", tasks \(SlurmArray.spec($0)) of \(stageTasks)" } ?? "")
                        + ", for \(ConfigPaths.absolute(runner.pipeline.path)).",
                     "# Submitting the pipeline again submits only the tasks whose completion marker is missing.",
                     "#SBATCH --job-name=plm-\(Self.fileName(runner.pipeline.name))-\(Self.fileName(stage ?? node))",
                     "#SBATCH --output=\(logFolder)/\(stem)-\(tasks == nil ? "%j" : "%A_%a").log"]
        if let tasks {
            lines.append("#SBATCH --array=\(SlurmArray.spec(tasks))" + (settings.maxParallelTasks.map { "%\($0)" } ?? ""))
        }
        lines.append("#SBATCH --cpus-per-task=\(settings.cpusPerTask)")
        for (option, value) in [("partition", settings.partition), ("mem", settings.memory), ("time", settings.time),
                                ("account", settings.account), ("qos", settings.qos)] {
            if let value { lines.append("#SBATCH --\(option)=\(value)") }
        }
        // A failed job cancels the ones waiting for it instead of leaving them pending forever.
        lines.append("#SBATCH --kill-on-invalid-dep=yes")
        for argument in settings.sbatchArguments { lines.append("#SBATCH \(argument)") }
        lines += ["set -euo pipefail", "cd \(Self.quoted(workingDirectory))"]
        var command = "exec \(Self.quoted(binary)) slurm-task \(Self.quoted(ConfigPaths.absolute(runner.pipeline.path))) --node \(Self.quoted(node))"
        if let stage { command += " --stage \(Self.quoted(stage)) --task \"$SLURM_ARRAY_TASK_ID\"" }
        command += " --workers \(settings.cpusPerTask)"
        lines.append(command)
        return SlurmJob(node: node, stage: stage, tasks: tasks, stageTasks: stageTasks,
                        scriptPath: "\(folder)/\(stem).sbatch", script: lines.joined(separator: "\n") + "\n")
    }

    /// `train/anneal` -> `train-anneal`: a name safe in a file name and a job name.
    static func fileName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "-" })
    }

    /// Single quotes for the shell.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
