import ArgumentParser
import Foundation
import Pipeline

/// What each job of `plm run --executor slurm` runs: one task of a node's task stage (an array element),
/// or a whole node (tokenizer, pack, a training phase, an evaluation) as `plm run --only` would.
struct SlurmTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm-task",
        abstract: "Run one task of a submitted run's stage (what the Slurm jobs of plm run --executor slurm call).",
        shouldDisplay: false)

    @OptionGroup var pipeline: PipelineArgument

    @Option(help: "The graph node (ingest, dedup, train/anneal).")
    var node: String

    @Option(help: "The node's task stage an array element runs (dedup/buckets); without it, the whole node runs.")
    var stage: String?

    @Option(help: "The task number (the array element's SLURM_ARRAY_TASK_ID).")
    var task: Int?

    @Option(help: "Worker threads for the task (the job's CPUs).")
    var workers: Int?

    func validate() throws {
        if (stage == nil) != (task == nil) { throw ValidationError("--stage and --task go together") }
        if let task, task < 0 { throw ValidationError("--task must be at least 0") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        let (config, manifest) = try pipeline.load()
        let runner = try GraphRunner(pipeline: config, manifest: manifest, hooks: RunHooks.make(workers: workers, root: config.output))
        let host = ProcessInfo.processInfo.hostName
        if let stage, let task {
            Console.say("slurm-task: \(stage) task \(task) on \(host)")
            _ = try runner.runTask(node: node, stage: stage, task: task)
        } else {
            Console.say("slurm-task: \(node) on \(host)")
            try runner.run(.init(only: node))
        }
    }
}
