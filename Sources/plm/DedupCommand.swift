import ArgumentParser
import CorpusIO
import Curation
import Foundation
import Pipeline
import Stages

extension DedupRunner.Stage: ExpressibleByArgument {}

struct DedupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Remove exact and MinHash near-duplicate documents across all sources.",
        discussion: """
            Four stages, each split into tasks and resumable: signatures (one task per ingest task),
            buckets (one per MinHash bucket, plus one for exact hashes), cluster (one task), remove (one
            per ingest task). Kept documents go to <output>/dedup/output/<source>/, removed ones with their
            cluster and the id they duplicate to <output>/dedup/removed/<source>/.
            """)

    @OptionGroup var pipeline: PipelineArgument

    @Option(help: "Run only this stage (signatures, buckets, cluster, remove). Default: all, in order.")
    var stage: DedupRunner.Stage?

    @Option(help: "The stage's task count, checked against the pipeline (for cluster scripts).")
    var tasks: Int?

    @Option(help: "Run only this task of the stage (needs --stage).")
    var task: Int?

    @Option(help: "Run at most this many tasks at once (default: the pipeline's workers).")
    var workers: Int?

    func validate() throws {
        if task != nil && stage == nil { throw ValidationError("--task needs --stage: task numbers differ per stage") }
    }

    func run() throws {
        if stage == nil && task == nil && tasks == nil {
            return try GraphNodeCommand.run(pipeline, only: "dedup", workers: workers)
        }
        let (config, manifest) = try pipeline.load()
        try DedupReport.finish(try DedupRunner.run(
            pipeline: config, manifest: manifest,
            options: .init(stages: stage.map { [$0] } ?? DedupRunner.Stage.allCases, task: task, tasks: tasks,
                           workers: workers),
            say: Console.say), root: config.output)
    }
}

/// Prints dedup's outcome: removals per source and reason, the cluster size histogram.
enum DedupReport {
    static func finish(_ results: [(stage: DedupRunner.Stage, summary: ExecutionSummary)], root: String) throws {
        for (stage, summary) in results {
            for failure in summary.failed { Console.say("dedup \(stage.rawValue) task \(failure.task) failed: \(failure.error)") }
        }
        if results.contains(where: { !$0.summary.failed.isEmpty }) { throw ExitCode.failure }
        guard results.contains(where: { $0.stage == .remove }) else { return }
        let stats = try StageLayout(root: root, stage: RemoveStage.stageName).allStats()
        var sources: [String: SourceStats] = [:]
        for task in stats { for (name, counts) in task.sources { sources[name, default: SourceStats()].add(counts) } }
        print(StatsTable.render(sources))
        let summaryPath = root + "/dedup/clusters/summary.json"
        if let bytes = try? FileInput.readAll(path: summaryPath),
           let summary = try? JSONDecoder().decode(ClusterSummary.self, from: Data(bytes)) {
            let histogram = summary.clusterSizes.sorted { Int($0.key)! < Int($1.key)! }.map { "\($0.key): \($0.value)" }
            print("clusters: \(summary.clusters), sizes { \(histogram.joined(separator: ", ")) }")
        }
        fflush(nil)   // keep the tables beside the stage's messages in a combined log (see StageReport)
    }
}
