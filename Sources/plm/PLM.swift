import ArgumentParser
import CorpusIO

@main
struct PLM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plm",
        abstract: "Turn local open-source corpora into LLM training data, and prove each phase trains a model.",
        discussion: """
            A manifest (manifests/*.yaml) says what data exists; a pipeline (pipelines/*.yaml) says what to do
            with it. Every stage writes its own folder under the run's output root (shards/<pipeline> by
            default), split into tasks that can be resumed or run on a cluster.
            """,
        subcommands: [RunCommand.self, ValidateCommand.self, MakeSFTCommand.self, IngestCommand.self, DedupCommand.self,
                      FilterCommand.self, DecontaminateCommand.self, TokenizerCommand.self, PackCommand.self, ShardsCommand.self, TrainCommand.self,
                      InspectCommand.self, StatusCommand.self, ReportCommand.self, StatsCommand.self, EnvCommand.self, TrainParityCommand.self,
                      AlignCommand.self, EvalCommand.self, GenerateCommand.self, ChatCommand.self, ExportCommand.self,
                      LangIDCommand.self, SlurmTaskCommand.self])

    /// Sets how memory is returned before anything runs (see `ProcessMemory`), then parses and runs.
    static func main() {
        ProcessMemory.returnLargeBlocksToTheSystem()
        main(nil)
    }
}
