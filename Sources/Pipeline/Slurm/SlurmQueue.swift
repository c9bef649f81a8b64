import Stages

/// What Slurm says about a run's jobs: `squeue` for the ones still queued or running, `sacct` (when the
/// cluster keeps accounting) for finished ones too. Each job id maps to its elements' states and counts
/// (`RUNNING: 2, PENDING: 5`).
public struct SlurmQueue: Sendable {
    public var states: [String: [String: Int]]
    /// Which commands answered, for the status line (`squeue`, `squeue and sacct`, or why neither did).
    public var source: String

    /// Asks `squeue` and `sacct` (when on PATH) about `ids`; commands that are missing or fail are skipped.
    public static func query(_ ids: [String]) -> SlurmQueue {
        var states: [String: [String: Int]] = [:]
        var answered: [String] = []
        let wanted = Set(ids)
        if !ids.isEmpty, SlurmCommands.exists("sacct"),
           let result = try? SlurmCommands.run("sacct", ["-n", "-P", "-X", "--format=JobID,State", "-j", ids.joined(separator: ",")]),
           result.status == 0 {
            answered.append("sacct")
            for line in result.output.split(separator: "\n") {
                let fields = line.split(separator: "|", omittingEmptySubsequences: false)
                guard fields.count >= 2 else { continue }
                let id = masterID(String(fields[0]))
                // `CANCELLED by 0` -> `CANCELLED`.
                let state = fields[1].split(separator: " ").first.map(String.init) ?? String(fields[1])
                if wanted.contains(id) { states[id, default: [:]][state, default: 0] += 1 }
            }
        }
        if !ids.isEmpty, SlurmCommands.exists("squeue"), let active = try? activeStates() {
            answered.append("squeue")
            for (id, counts) in active where wanted.contains(id) {
                // squeue is the truth for what is still queued; sacct may lag behind it.
                states[id] = counts
            }
        }
        return SlurmQueue(states: states, source: answered.isEmpty ? "neither squeue nor sacct answered" : answered.joined(separator: " and "))
    }

    /// Every queued or running job's elements by array job id (`squeue -h -o %F|%T`): an array's
    /// pending elements are listed as one line, `12_[3-7]`, so they are counted by the index list.
    public static func activeStates() throws -> [String: [String: Int]] {
        let result = try SlurmCommands.run("squeue", ["-h", "-r", "-o", "%F|%K|%T"])
        guard result.status == 0 else {
            throw ExecutorError(message: "squeue failed (\(result.status)): \(result.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var states: [String: [String: Int]] = [:]
        for line in result.output.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, !fields[0].isEmpty else { continue }
            states[fields[0], default: [:]][fields[2], default: 0] += 1
        }
        return states
    }

    /// `12_3` and `12_[3-7]` -> `12`; a plain job id is its own.
    static func masterID(_ id: String) -> String {
        String(id.split(separator: "_", maxSplits: 1).first ?? Substring(id))
    }
}
