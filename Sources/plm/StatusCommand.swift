import ArgumentParser
import Pipeline

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a run folder's stages: tasks done of total, failures with their logs, time and memory, and a Slurm run's jobs with their states.")

    @Argument(help: "A run's output folder, e.g. shards/local.")
    var folder: String

    func run() throws {
        let status = try RunStatus(root: ConfigPaths.absolute(folder))
        print(status.render())
        if let slurm = status.slurm {
            print(status.renderSlurm(SlurmQueue.query(slurm.jobs.map(\.jobID))))
        }
    }
}
