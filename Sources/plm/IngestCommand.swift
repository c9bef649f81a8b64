import ArgumentParser
import Curation
import Foundation
import Pipeline
import Stages

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read the manifest's sources into documents: <output>/ingest/<source>/<task>.jsonl.zst.",
        discussion: "Finished tasks are skipped, so rerunning after a crash resumes. Skipped inputs are "
            + "counted by reason in <output>/stats/ingest/ and listed in <output>/logs/ingest/.")

    @OptionGroup var pipeline: PipelineArgument
    @OptionGroup var tasks: TaskArguments

    func run() throws {
        if tasks.task == nil && tasks.tasks == nil {
            return try GraphNodeCommand.run(pipeline, only: "ingest", workers: tasks.workers)
        }
        let (config, manifest) = try pipeline.load()
        try StageReport.finish(try IngestRunner.run(
            pipeline: config, manifest: manifest,
            options: .init(tasks: tasks.tasks, task: tasks.task, workers: tasks.workers),
            say: Console.say), stage: "ingest")
    }
}

/// Prints a stage's outcome and fails the command when a task failed.
enum StageReport {
    static func finish(_ summary: ExecutionSummary, stage: String) throws {
        var sources: [String: SourceStats] = [:]
        for task in summary.stats { for (name, counts) in task.sources { sources[name, default: SourceStats()].add(counts) } }
        let input = sources.values.reduce(0) { $0 + $1.inputBytes }
        let rate = summary.seconds > 0 ? Double(input) / 1e6 / summary.seconds : 0
        Console.say("\(stage): \(summary.ran.count) tasks run, \(summary.skipped.count) already complete, "
            + "\(summary.failed.count) failed in \(String(format: "%.1f", summary.seconds)) s "
            + "(\(String(format: "%.1f", rate)) MB/s of input)")
        if !sources.isEmpty {
            print(StatsTable.render(sources))
            // Redirected, standard output is block-buffered: flush so the table lands beside its stage's
            // messages (on standard error) in a combined log, not at the end of the run.
            fflush(nil)
        }
        for failure in summary.failed { Console.say("task \(failure.task) failed: \(failure.error)") }
        if !summary.failed.isEmpty { throw ExitCode.failure }
    }
}
