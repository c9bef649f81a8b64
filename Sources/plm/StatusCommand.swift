import ArgumentParser
import Pipeline

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a run folder's stages: tasks done of total, failures with their logs, time and memory.")

    @Argument(help: "A run's output folder, e.g. shards/local.")
    var folder: String

    func run() throws {
        print(try RunStatus(root: ConfigPaths.absolute(folder)).render())
    }
}
