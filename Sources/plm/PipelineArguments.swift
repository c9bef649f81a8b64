import ArgumentParser
import Pipeline

/// The pipeline file every stage command starts from.
struct PipelineArgument: ParsableArguments {
    @Argument(help: "A pipeline file, e.g. pipelines/local.yaml.")
    var pipeline: String

    /// Loads the pipeline and its manifest, checking both strictly; notes go to standard error.
    func load() throws -> (pipeline: PipelineConfig, manifest: Manifest) {
        let loaded = try PipelineConfig.loadWithManifest(path: pipeline)
        for note in loaded.notes { Console.note(note) }
        return (loaded.pipeline, loaded.manifest)
    }
}

/// How a stage command splits its work into tasks.
struct TaskArguments: ParsableArguments {
    @Option(help: "Split the input into this many tasks (overrides the pipeline).")
    var tasks: Int?

    @Option(help: "Run only this task, 0-based (a cluster array element). Without it, all tasks run here.")
    var task: Int?

    @Option(help: "Run at most this many tasks at once (default: the pipeline's workers, else the core count).")
    var workers: Int?

    func validate() throws {
        if let tasks, tasks < 1 { throw ValidationError("--tasks must be at least 1") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let task, task < 0 { throw ValidationError("--task must be at least 0") }
    }
}
