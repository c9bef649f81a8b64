import ArgumentParser
import Pipeline

/// `plm run`'s executor options; each overrides the same key of the pipeline's `executor:` section.
struct ExecutorArguments: ParsableArguments {
    @Option(help: "Where the stages run: local (this machine, the default) or slurm (sbatch array jobs).")
    var executor: String?

    @Option(help: "Slurm partition (sbatch --partition).")
    var partition: String?

    @Option(help: "CPUs per Slurm task (sbatch --cpus-per-task); also each task's worker threads.")
    var cpusPerTask: Int?

    @Option(help: "Memory per Slurm task as sbatch takes it (4G, 8000M).")
    var mem: String?

    @Option(help: "Time limit per Slurm job as sbatch takes it (2:00:00).")
    var time: String?

    @Option(help: "Slurm account (sbatch --account).")
    var account: String?

    @Option(help: "Slurm quality of service (sbatch --qos).")
    var qos: String?

    @Option(help: "At most this many elements of one array job at once (--array=...%N).")
    var maxParallelTasks: Int?

    @Option(parsing: .unconditionalSingleValue,
            help: ArgumentHelp("A further sbatch option for every job (repeatable), e.g. --sbatch-arg=--constraint=avx512.",
                               valueName: "arg"))
    var sbatchArg: [String] = []

    func validate() throws {
        if let executor, ExecutorSettings.Kind(rawValue: executor) == nil {
            throw ValidationError("--executor must be local or slurm, not '\(executor)'")
        }
        if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1") }
        if let maxParallelTasks, maxParallelTasks < 1 { throw ValidationError("--max-parallel-tasks must be at least 1") }
        for (name, value) in [("partition", partition), ("mem", mem), ("time", time), ("account", account), ("qos", qos)] {
            if let value, value.isEmpty || value.contains(where: { $0.isWhitespace }) {
                throw ValidationError("--\(name) must be one word without spaces, as sbatch takes it")
            }
        }
        for argument in sbatchArg where !argument.hasPrefix("-") {
            throw ValidationError("--sbatch-arg '\(argument)' must be an sbatch option starting with '-'")
        }
    }

    /// The pipeline's settings with these options laid over them.
    func settings(over base: ExecutorSettings) -> ExecutorSettings {
        var settings = base
        if let executor { settings.kind = ExecutorSettings.Kind(rawValue: executor)! }
        if let partition { settings.partition = partition }
        if let cpusPerTask { settings.cpusPerTask = cpusPerTask }
        if let mem { settings.memory = mem }
        if let time { settings.time = time }
        if let account { settings.account = account }
        if let qos { settings.qos = qos }
        if let maxParallelTasks { settings.maxParallelTasks = maxParallelTasks }
        settings.sbatchArguments += sbatchArg
        return settings
    }
}
