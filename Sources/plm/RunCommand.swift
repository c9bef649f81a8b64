import ArgumentParser
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every stage of a pipeline that is not done yet: ingest, dedup, filter, tokenizer, pack, train.",
        discussion: """
            Each stage resumes where it stopped; rerunning a finished pipeline does nothing. Packing runs when
            the manifest declares phases; training runs each phase of the pipeline's `schedule:` section when it
            has one, each phase starting from the previous phase's final checkpoint.
            """)

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
        _ = try TokenizerRunner.run(pipeline: config, manifest: manifest,
                                    options: .init(workers: workers), say: Console.say)
        guard !manifest.phases.isEmpty else {
            Console.say("done: \(config.output) (the manifest declares no phases: nothing to pack or train)")
            return
        }
        let packed = try PackRunner.run(pipeline: config, manifest: manifest, options: .init(workers: workers),
                                        loadEncoder: TokenizerLoading.loader(byteTokens: false), say: Console.say)
        for failure in packed.failed { Console.say("pack: phase task \(failure.task) failed: \(failure.error)") }
        if !packed.failed.isEmpty { throw ExitCode.failure }
        let phases = try config.scheduleSettings().phases.map(\.name)
        for phase in phases {
            Console.say("train: phase \(phase)")
            let train = try TrainCommand.parse([pipeline.pipeline, "--phase", phase])
            try train.run()
        }
        Console.say("done: \(config.output) (plm stats \(config.output) prints the counters)")
    }
}
