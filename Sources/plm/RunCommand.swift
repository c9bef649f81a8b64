import ArgumentParser
import Foundation
import Pipeline
import Stages

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline's stages that are not done: ingest, dedup, filter, tokenizer, pack, train.",
        discussion: """
            The stages form one graph (plm run PIPELINE --dry-run prints it). Each stage records a fingerprint
            of its settings and inputs: an unchanged, finished stage is skipped; a changed one is rerun with
            every stage after it; an unfinished one resumes. One run per output folder at a time (a lock).
            Stage names for --from, --until and --only: ingest, dedup, filter, tokenizer, pack, train, or one
            phase's node (pack/<phase>, train/<phase>).
            """)

    @OptionGroup var pipeline: PipelineArgument

    @Option(help: "Run at most this many tasks at once (default: the pipeline's workers).")
    var workers: Int?

    @Option(help: "Start at this stage (earlier stages must be done).")
    var from: String?

    @Option(help: "Stop after this stage.")
    var until: String?

    @Option(help: "Run only this stage (or group of stages).")
    var only: String?

    @Flag(help: "Print each stage's state (done, stale and why, to run) and input size; run nothing. With --executor slurm: print the scripts, submit nothing.")
    var dryRun = false

    @OptionGroup(title: "Executor (also the pipeline's executor: section)") var executor: ExecutorArguments

    func validate() throws {
        if only != nil && (from != nil || until != nil) { throw ValidationError("--only cannot be combined with --from or --until") }
    }

    func run() throws {
        let (config, manifest) = try pipeline.load()
        let runner = try GraphRunner(pipeline: config, manifest: manifest, hooks: RunHooks.make(workers: workers, root: config.output))
        let selection = GraphRunner.Selection(from: from, until: until, only: only)
        let settings = try executor.settings(over: config.executorSettings())
        if settings.kind == .slurm {
            return try submit(runner, settings: settings, selection: selection)
        }
        if dryRun {
            print("plan for \(runner.layout.root):")
            for line in try runner.plan(selection) { print("  " + line) }
            return
        }
        try runner.run(selection)
        let built = try RunReport.build(root: config.output)
        let summary = built.report.summaryText
        if !summary.isEmpty { print(summary) }
        print("report: \(built.html)")
        fflush(nil)   // redirected, stdout is block-buffered: keep the table before the closing line
        Console.say("done: \(config.output) (plm status \(config.output) shows each stage, plm stats the counters)")
    }
}

extension RunCommand {
    /// `--executor slurm`: the scripts (printed with --dry-run), or the submission and its job ids.
    private func submit(_ runner: GraphRunner, settings: ExecutorSettings, selection: GraphRunner.Selection) throws {
        let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? ConfigPaths.absolute(CommandLine.arguments[0])
        let slurm = SlurmExecutor(runner: runner, settings: settings, binary: binary,
                                  workingDirectory: FileManager.default.currentDirectoryPath)
        if dryRun {
            let jobs = try slurm.plan(selection)
            if jobs.isEmpty { print("# nothing to submit: every selected stage is done") }
            for job in jobs {
                print("# ----- \(job.scriptPath)" + (job.node == jobs.first?.node && job.stage == jobs.first?.stage ? ""
                    : " (sbatch --dependency=afterok:<the job before>)"))
                print(job.script)
            }
            return
        }
        let jobs = try slurm.submit(selection, say: Console.say)
        if !jobs.isEmpty {
            Console.say("submitted \(jobs.count) jobs; plm status \(runner.layout.root) shows their progress, "
                + "logs go to \(slurm.logFolder)")
        }
    }
}

/// `plm ingest|dedup|filter|pack|train PIPELINE` without task options: one node (or group) of the
/// run's graph, with its fingerprint, lock and input checks, exactly as `plm run --only` runs it.
enum GraphNodeCommand {
    static func run(_ pipeline: PipelineArgument, only: String, workers: Int?) throws {
        let (config, manifest) = try pipeline.load()
        let runner = try GraphRunner(pipeline: config, manifest: manifest,
                                     hooks: RunHooks.make(workers: workers, root: config.output))
        try runner.run(.init(only: only))
    }
}

/// The command line's side of the stage graph: console messages and tables, the tokenizer loader,
/// and training with its progress display.
enum RunHooks {
    static func make(workers: Int?, root: String) -> GraphRunner.Hooks {
        GraphRunner.Hooks(
            say: Console.say, workers: workers, loadEncoder: TokenizerLoading.loader(byteTokens: false),
            train: { path, phase, _ in
                Console.say("train: phase \(phase)")
                try TrainCommand.runPhase(pipeline: path, phase: phase, threads: nil)
            },
            report: { node, stages in
                switch node {
                case "ingest", "filter": if let summary = stages.first?.summary { try StageReport.finish(summary, stage: node) }
                case "dedup":
                    try DedupReport.finish(stages.compactMap { entry in
                        DedupRunner.Stage(rawValue: String(entry.stage.dropFirst("dedup/".count))).map { ($0, entry.summary) }
                    }, root: root)
                default: break
                }
            })
    }
}
