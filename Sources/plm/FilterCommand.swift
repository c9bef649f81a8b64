import ArgumentParser
import Curation
import Pipeline

struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Apply the quality filters (Gopher, C4, FineWeb, code heuristics, PII) per source domain.",
        discussion: """
            Reads dedup's kept documents (or ingest's when dedup is off), one task per ingest task. Kept
            documents go to <output>/filter/output/<source>/, dropped ones with their filter and reason to
            <output>/filter/excluded/<source>/. Drops are counted per filter/reason in <output>/stats/filter/.
            """)

    @OptionGroup var pipeline: PipelineArgument
    @OptionGroup var tasks: TaskArguments

    func run() throws {
        if tasks.task == nil && tasks.tasks == nil {
            return try GraphNodeCommand.run(pipeline, only: "filter", workers: tasks.workers)
        }
        let (config, manifest) = try pipeline.load()
        try StageReport.finish(try FilterRunner.run(
            pipeline: config, manifest: manifest,
            options: .init(task: tasks.task, tasks: tasks.tasks, workers: tasks.workers),
            say: Console.say), stage: "filter")
    }
}
