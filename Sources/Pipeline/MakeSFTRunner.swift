import CorpusIO
import Curation
import Foundation
import Shards
import Stages

/// The `make-sft` stage: every generated source's chat records (`<root>/make-sft/sources/<source>.jsonl`,
/// which ingest reads as JSONL) and every generated evaluation set's held-out items
/// (`<root>/make-sft/evaluations/<name>.jsonl`), then `stats.json` with what each generator read, made
/// and skipped. One task; each file is written whole under a temporary name, so a killed run leaves no
/// half file, and the rerun writes the same bytes.
public enum MakeSFTRunner {
    public static let stageName = "make-sft"

    /// What one generated source or evaluation set gave.
    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        public var generator: String
        public var filesRead: Int
        /// Records the inputs gave, and those kept (`examples` draws a seeded sample of them).
        public var available: Int
        public var written: Int
        public var skipped: [String: Int]
        public var note: String?
    }

    public static func run(pipeline: PipelineConfig, manifest: Manifest,
                           say: @escaping @Sendable (String) -> Void) throws -> ExecutionSummary {
        let layout = try RunLayout(pipeline: pipeline)
        let stage = ClosureStage(name: stageName) { log, _ in
            var entries: [Entry] = []
            for source in manifest.sources {
                guard let generated = source.generated else { continue }
                let entry = try writeSource(source, generated, to: layout.generatedRecords(source: source.name))
                if let note = entry.note { log(note) }
                say("make-sft \(source.name) (\(generated.generator.rawValue)): \(entry.written) records of \(entry.available) "
                    + "from \(entry.filesRead) files" + (entry.skipped.isEmpty ? "" : ", skipped "
                        + entry.skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
                entries.append(entry)
            }
            for evaluation in manifest.evaluations {
                guard let generated = evaluation.generated else { continue }
                let items = ArithmeticTask(digits: generated.digits)
                    .records(count: generated.examples ?? ArithmeticTask.defaultCount, seed: generated.seed, split: generated.split)
                    .compactMap(\.evaluationItem)
                let path = layout.generatedEvaluation(name: evaluation.name)
                try FileSystem.createDirectory(FileSystem.parent(of: path))
                try PostTrainingData.writeEvaluationItems(items, to: path)
                say("make-sft evaluation \(evaluation.name): \(items.count) \(generated.split.rawValue) problems")
                entries.append(Entry(name: evaluation.name, generator: generated.generator.rawValue, filesRead: 0,
                                     available: items.count, written: items.count, skipped: [:]))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            try FileSystem.writeAtomically(Array(try encoder.encode(entries)) + [0x0A], to: layout.makeSFTFolder + "/stats.json")
            return TaskStats(stage: stageName, task: 0, tasks: 1)
        }
        return try LocalExecutor.run(stage, root: layout.root, workers: 1, echo: { _ in })
    }

    /// One source's records: its files (the manifest's include and exclude applied as ingest applies them),
    /// the generator, then `examples` of them drawn with the source's seed, in their original order.
    static func writeSource(_ source: ManifestSource, _ generated: GeneratedSource, to path: String) throws -> Entry {
        var note: String?
        var output = PostTrainingOutput(records: [], stats: PostTrainingStats())
        if generated.generator == .arithmetic {
            var records = ArithmeticTask(digits: generated.digits)
                .records(count: generated.examples ?? ArithmeticTask.defaultCount, seed: generated.seed, split: generated.split)
            // A third of the problems again as a refinement turn (a first attempt to check), which the
            // preference rounds ask for; the prompts of ARIES are the plain problems (no refinement record
            // carries a bare question).
            records += Refinement.arithmeticRecords(from: records)
            output = PostTrainingOutput(records: records, stats: PostTrainingStats())
        } else {
            var inputs = source.spec.paths
            if !source.spec.include.isEmpty || !source.spec.exclude.isEmpty {
                var spec = source.spec
                spec.kind = .text
                inputs = IngestPlan(sources: [spec]).inputs.map(\.file.path)
            }
            inputs = inputs.filter { ConfigPaths.hasGlob($0) ? !ConfigPaths.expand($0).isEmpty : ConfigPaths.exists($0) }
            if inputs.isEmpty {
                guard source.spec.optional else {
                    throw ExecutorError(message: "source '\(source.name)': none of \(source.spec.paths.joined(separator: ", ")) exists")
                }
                note = "source '\(source.name)': its inputs are missing on this machine (optional): no records"
            } else {
                do {
                    output = try PostTrainingGenerator.generate(generated.generator, paths: inputs, seed: generated.seed)
                } catch {
                    throw ExecutorError(message: "source '\(source.name)': \(error)")
                }
            }
        }
        let available = output.records.count
        var records = output.records
        if let examples = generated.examples, examples < records.count, generated.generator != .arithmetic {
            var random = SeededRandom(seed: generated.seed ^ 0x5346_5400)   // "SFT"
            let chosen = Array(records.indices).shuffled(using: &random).prefix(examples).sorted()
            records = chosen.map { records[$0] }
        }
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try PostTrainingData.writeChatRecords(records, to: path)
        // Ingest records each file's modification time in its documents: generated records carry none of
        // their own (the epoch), so that a rerun ingests byte-identical documents.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 0)], ofItemAtPath: path)
        return Entry(name: source.name, generator: generated.generator.rawValue, filesRead: output.stats.filesRead,
                     available: available, written: records.count,
                     skipped: Dictionary(uniqueKeysWithValues: output.stats.skipped.map { ($0.key.rawValue, $0.value) }),
                     note: note)
    }
}
