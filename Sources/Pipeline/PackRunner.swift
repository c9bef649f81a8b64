import CorpusIO
import Curation
import Foundation
import Shards

/// Runs the pack stage on this machine over the most processed documents there are: filter's
/// output when the filter stage has run, else dedup's, else ingest's.
public enum PackRunner {
    public struct Options: Sendable {
        /// Pack only this phase.
        public var phase: String?
        public var workers: Int?

        public init(phase: String? = nil, workers: Int? = nil) {
            self.phase = phase
            self.workers = workers
        }
    }

    /// The tokenizer a run packs with, and an identifier of it for `phase.json`.
    public typealias EncoderLoader = @Sendable (_ root: String) throws -> (encoder: any TextEncoder, hash: String)

    /// Where the tokenizer stage leaves its output.
    public static func tokenizerPath(root: String) -> String { root + "/tokenizer/tokenizer.json" }

    public static func run(pipeline: PipelineConfig, manifest: Manifest, options: Options, loadEncoder: EncoderLoader,
                           say: @escaping @Sendable (String) -> Void) throws -> ExecutionSummary {
        let root = pipeline.output
        let ingest = try DedupRunner.completedIngest(root: root)
        let input = inputFolder(root: root, tasks: ingest.tasks)
        let names = pipeline.pack.phases ?? manifest.phases.map(\.name)
        for name in names where manifest.phase(named: name) == nil {
            throw ExecutorError(message: "pack.phases names '\(name)', which is not a phase of \(manifest.path) "
                + "(phases: \(manifest.phases.map(\.name).joined(separator: ", ")))")
        }
        if let phase = options.phase, !names.contains(phase) {
            throw ExecutorError(message: "--phase \(phase) is not one of the phases to pack (\(names.joined(separator: ", ")))")
        }
        guard !names.isEmpty else { throw ExecutorError(message: "\(manifest.path) declares no phases to pack") }
        let (encoder, hash) = try loadEncoder(root)
        let stage = PackStage(root: root, input: input, phases: names.map { PhaseMixture(manifest.phase(named: $0)!) },
                              config: pipeline.pack, workers: max(1, options.workers ?? pipeline.workers),
                              encoder: encoder, tokenizerHash: hash, say: say)
        let only = options.phase.map { phase in [names.firstIndex(of: phase)!] }
        // Phases run one after another: each already tokenizes on every core.
        let summary = try LocalExecutor.run(stage, root: root, workers: 1, only: only, echo: say)
        say("pack (\(input) -> pack/): \(summary.ran.count) phases packed, \(summary.skipped.count) already complete, "
            + "\(summary.failed.count) failed in \(String(format: "%.1f", summary.seconds)) s")
        return summary
    }

    /// filter/output when every filter task is complete, else dedup/output likewise, else ingest.
    static func inputFolder(root: String, tasks: Int) -> String {
        for (stage, folder) in [(FilterStage.stageName, "filter/output"), (RemoveStage.stageName, "dedup/output")] {
            let layout = StageLayout(root: root, stage: stage)
            if (0..<tasks).allSatisfy({ layout.isComplete($0) }) { return folder }
        }
        return "ingest"
    }
}
