/// The pipeline's `executor:` section, and the same keys on `plm run`'s command line: where the stages'
/// tasks run. `local` runs them on this machine's worker threads; `slurm` writes one sbatch script per
/// stage and submits them as array jobs chained by their dependencies. The executor never changes a
/// stage's output, so none of these keys enters a stage's fingerprint.
public struct ExecutorSettings: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case local, slurm }

    public var kind = Kind.local
    /// `sbatch --partition`; nil leaves it to the cluster's default partition.
    public var partition: String?
    /// `sbatch --cpus-per-task`; also the worker threads each task runs with.
    public var cpusPerTask = 1
    /// `sbatch --mem` as Slurm writes it (`4G`, `8000M`); nil leaves the cluster's default.
    public var memory: String?
    /// `sbatch --time` as Slurm writes it (`2:00:00`, `1-00:00:00`).
    public var time: String?
    public var account: String?
    public var qos: String?
    /// At most this many elements of one array job at once (`--array=...%N`); nil: no limit.
    public var maxParallelTasks: Int?
    /// Further `sbatch` arguments, written into every script as `#SBATCH` lines (`--constraint=avx512`).
    public var sbatchArguments: [String] = []

    public init() {}

    static let yamlKeys = ["kind", "partition", "cpus_per_task", "mem", "time", "account", "qos",
                           "max_parallel_tasks", "sbatch_args"]

    init(section: YAMLMapping?) throws(ConfigError) {
        self.init()
        guard let section else { return }
        if let value = try section.optionalChoice("kind", as: Kind.self) { kind = value }
        partition = try Self.slurmWord(section, "partition")
        if let value = try section.optionalInt("cpus_per_task", atLeast: 1) { cpusPerTask = value }
        memory = try Self.slurmWord(section, "mem")
        time = try Self.slurmWord(section, "time")
        account = try Self.slurmWord(section, "account")
        qos = try Self.slurmWord(section, "qos")
        maxParallelTasks = try section.optionalInt("max_parallel_tasks", atLeast: 1)
        if let list = try section.optionalStringList("sbatch_args", scalarAllowed: true) {
            for item in list where !item.value.hasPrefix("-") {
                throw section.error(at: item.location, "'\(item.value)' in key 'sbatch_args' of section 'executor' "
                    + "must be an sbatch option starting with '-' (like --constraint=avx512)")
            }
            sbatchArguments = list.map(\.value)
        }
    }

    /// A value written into an `#SBATCH` line: one word, so that it cannot end the line or add another option.
    private static func slurmWord(_ section: YAMLMapping, _ key: String) throws(ConfigError) -> String? {
        guard let value = try section.optionalString(key) else { return nil }
        guard !value.isEmpty, !value.contains(where: { $0.isWhitespace }) else {
            throw section.invalid(key, mustBe: "one word without spaces, as sbatch takes it")
        }
        return value
    }
}

extension PipelineConfig {
    /// The typed `executor:` section (the local executor when absent).
    public func executorSettings() throws(ConfigError) -> ExecutorSettings {
        let section = try reserved["executor"].map { node throws(ConfigError) in
            try YAMLMapping(node, file: path, context: "section 'executor'", allowed: ExecutorSettings.yamlKeys)
        }
        return try ExecutorSettings(section: section)
    }
}
