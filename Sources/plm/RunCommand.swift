import ArgumentParser
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every stage of a pipeline that is not done yet (today: ingest, dedup, filter).",
        discussion: "Each stage resumes where it stopped; rerunning a finished pipeline does nothing.")

    @OptionGroup var pipeline: PipelineArgument

    @Option(help: "Run at most this many tasks at once (default: the pipeline's workers).")
    var workers: Int?

    func run() throws {
        let (config, manifest) = try pipeline.load()
        try StageReport.finish(try IngestRunner.run(
            pipeline: config, manifest: manifest, options: .init(workers: workers), say: Console.say),
            stage: "ingest")
        try DedupReport.finish(try DedupRunner.run(
            pipeline: config, manifest: manifest, options: .init(workers: workers), say: Console.say),
            root: config.output)
        try StageReport.finish(try FilterRunner.run(
            pipeline: config, manifest: manifest, options: .init(workers: workers), say: Console.say), stage: "filter")
        Console.say("done: \(config.output) (plm stats \(config.output) prints the counters)")
    }
}
