import Stages

/// Where the tokenizer and packing read a run's finished documents: the decontamination stage's output
/// when the run has one (the manifest names evaluation sets), else the filter stage's. Every task of that
/// stage must be complete.
public struct TrainingDocuments: Sendable, Equatable {
    /// The task stage that wrote them (`decontaminate` or `filter`), for completion and stats.
    public var stage: String
    /// Their folder relative to the run's root (`decontaminate/output`, `filter/output`).
    public var folder: String
    /// The command that makes them, for messages.
    public var command: String

    public static let filtered = TrainingDocuments(stage: "filter", folder: "filter/output", command: "plm filter")
    public static let decontaminated = TrainingDocuments(stage: "decontaminate", folder: "decontaminate/output",
                                                         command: "plm decontaminate")

    public static func of(pipeline: PipelineConfig, manifest: Manifest) throws -> TrainingDocuments {
        try pipeline.decontaminates(manifest) ? .decontaminated : .filtered
    }

    /// Throws, naming the missing tasks, unless all `tasks` of the stage are complete.
    public func requireComplete(root: String, tasks: Int, reader: String) throws {
        let layout = StageLayout(root: root, stage: stage)
        let missing = (0..<tasks).filter { !layout.isComplete($0) }
        guard missing.isEmpty else {
            throw ExecutorError(message: "\(reader) reads the \(stage) stage's output, but \(stage) tasks "
                + missing.map(String.init).joined(separator: ", ") + " of \(tasks) are not complete: run `\(command)` first")
        }
    }
}
