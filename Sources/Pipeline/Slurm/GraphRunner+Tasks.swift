import CorpusIO
import Foundation
import Stages

/// The graph's side of a cluster run: the submitting process prepares each node (as `run` would before
/// running it), and each array element runs one task of one node's task stage, without the run's lock
/// (its siblings run at the same time) and without clearing anything.
extension GraphRunner {
    /// Nodes whose task stages run as array jobs, one element per task; every other node is one job.
    public static func runsAsArray(_ node: StageNode) -> Bool {
        switch node.kind {
        case .ingest, .dedup, .filter, .decontaminate, .tokenizer: true
        default: false
        }
    }

    /// What `run` does before it runs a node that is not done: a stale node's (or a foreign pending
    /// node's) outputs and markers go, and the fingerprint of the settings it will run with is written,
    /// so that a task started later by the cluster knows its node was prepared for exactly these settings.
    public func prepareForSubmission(_ node: StageNode) throws {
        switch state(of: node).status {
        case .done, .partial: break
        case .pending where hasFingerprint(node): break   // a killed job's own work: resumed, as `run` does
        case .stale, .pending: try clear(node)
        }
        try node.fingerprint.write(path: layout.fingerprintPath(node: node.name))
    }

    /// Runs task `task` of the task stage `stage` of node `nodeName` (a Slurm array element). The node
    /// must have been prepared with the current settings and its inputs must be done; a task that is
    /// already complete is skipped.
    public func runTask(node nodeName: String, stage: String, task: Int) throws -> ExecutionSummary {
        guard let node = graph.node(named: nodeName) else {
            throw ExecutorError(message: "no stage '\(nodeName)' in this run (stages: "
                + graph.nodes.map(\.name).joined(separator: ", ") + ")")
        }
        guard Self.runsAsArray(node), let part = node.parts.first(where: { $0.stage == stage }) else {
            throw ExecutorError(message: "\(nodeName) has no task stage '\(stage)' run as an array (its stages: "
                + node.parts.map(\.stage).joined(separator: ", ") + ")")
        }
        guard part.tasks.contains(task) else {
            throw ExecutorError(message: "\(stage) has tasks 0-\(part.tasks.count - 1), not \(task)")
        }
        guard let stored = StageFingerprint.read(path: layout.fingerprintPath(node: node.name)) else {
            throw ExecutorError(message: "\(nodeName) was not prepared by a submission (no fingerprint in "
                + "\(layout.root)/fingerprints): submit with plm run --executor slurm")
        }
        let changes = stored.differences(from: node.fingerprint)
        guard changes.isEmpty else {
            throw ExecutorError(message: "\(nodeName) was submitted with other settings or inputs ("
                + changes.prefix(3).joined(separator: "; ") + "): rerun plm run --executor slurm to resubmit")
        }
        try requireInputs(of: node)
        let workers = hooks.workers
        let summary: ExecutionSummary
        switch node.kind {
        case .ingest:
            summary = try IngestRunner.run(pipeline: pipeline, manifest: manifest,
                                           options: .init(task: task, workers: workers, progress: false), say: hooks.say)
        case .dedup:
            guard let step = DedupRunner.Stage(rawValue: String(stage.dropFirst("dedup/".count))) else {
                throw ExecutorError(message: "\(stage) is not a dedup stage")
            }
            let results = try DedupRunner.run(pipeline: pipeline, manifest: manifest,
                                              options: .init(stages: [step], task: task, workers: workers, progress: false),
                                              say: hooks.say)
            guard let result = results.first else { throw ExecutorError(message: "\(stage) ran nothing") }
            summary = result.summary
        case .filter:
            summary = try FilterRunner.run(pipeline: pipeline, manifest: manifest,
                                           options: .init(task: task, workers: workers, progress: false), say: hooks.say)
        case .decontaminate:
            summary = try DecontaminateRunner.run(pipeline: pipeline, manifest: manifest,
                                                  options: .init(task: task, workers: workers), say: hooks.say)
        case .tokenizer:
            // Counting tasks as array elements; the training task merges their counts.
            let counting = stage == TokenizerCounts.stageName
            _ = try TokenizerRunner.run(pipeline: pipeline, manifest: manifest,
                                        options: .init(workers: workers, progress: false, task: counting ? task : nil,
                                                       countOnly: counting), say: hooks.say)
            return ExecutionSummary()
        default:
            throw ExecutorError(message: "\(nodeName) runs as one job, not by task")
        }
        if let failure = summary.failed.first {
            throw ExecutorError(message: "\(stage) task \(failure.task) failed: \(failure.error)")
        }
        try hooks.report(node.name, [(stage, summary)])
        return summary
    }
}
