import CorpusIO
import Curation
import Foundation
import Shards
import Stages

/// Runs the pack stage on this machine over the filter stage's kept documents (every filter task
/// must be complete), with the run's tokenizer (`tokenizer.output`, else `<root>/tokenizer`).
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

    /// The tokenizer a run packs with (given the path of its `tokenizer.json`), and an identifier of it
    /// for `phase.json`.
    public typealias EncoderLoader = @Sendable (_ tokenizerJSON: String) throws -> (encoder: any TextEncoder, hash: String)

    public static func run(pipeline: PipelineConfig, manifest: Manifest, options: Options, loadEncoder: EncoderLoader,
                           say: @escaping @Sendable (String) -> Void) throws -> ExecutionSummary {
        let root = pipeline.output
        let layout = try RunLayout(pipeline: pipeline)
        let ingest = try DedupRunner.completedIngest(root: root)
        let documents = try TrainingDocuments.of(pipeline: pipeline, manifest: manifest)
        try documents.requireComplete(root: root, tasks: ingest.tasks, reader: "pack")
        let input = documents.folder
        let names = pipeline.pack.phases ?? manifest.packedPhases.map(\.name)
        for name in names where manifest.phase(named: name) == nil {
            throw ExecutorError(message: "pack.phases names '\(name)', which is not a phase of \(manifest.path) "
                + "(phases: \(manifest.phases.map(\.name).joined(separator: ", ")))")
        }
        if let phase = options.phase, !names.contains(phase) {
            throw ExecutorError(message: "--phase \(phase) is not one of the phases to pack (\(names.joined(separator: ", ")))")
        }
        guard !names.isEmpty else { throw ExecutorError(message: "\(manifest.path) declares no phases to pack") }
        let (encoder, hash) = try loadEncoder(layout.tokenizerJSON)
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
}
