import CorpusIO
import Curation
import Foundation
import Shards
import Stages

/// The pack stage: one task per manifest phase, writing `<root>/pack/<phase>/{train,val}/` and
/// `<root>/pack/<phase>/phase.json`. A task's folder is rebuilt from scratch when the task has no
/// completion marker, so a killed run resumes by redoing only unfinished phases.
struct PackStage: TaskStage {
    static let stageName = "pack"
    let name = PackStage.stageName
    let root: String
    /// Folder under the root holding `<source>/*.jsonl.zst` documents.
    let input: String
    let phases: [PhaseMixture]
    let config: PackConfig
    let workers: Int
    let encoder: any TextEncoder
    let tokenizerHash: String
    let say: @Sendable (String) -> Void

    var taskCount: Int { phases.count }

    static func phaseDirectory(root: String, phase: String) -> String { "\(root)/pack/\(phase)" }

    func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
        let mixture = phases[task]
        let directory = Self.phaseDirectory(root: root, phase: mixture.name)
        // A killed try leaves its folder and its scratch (tokens, sort runs): start clean.
        for path in [directory, directory + ".sort.tmp"] where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
        var stats = TaskStats(stage: name, task: task, tasks: taskCount)
        var options = config.options
        options.workers = workers
        let packer = PhasePacker(mixture: mixture, options: options, encoder: encoder, tokenizerHash: tokenizerHash,
                                 tokenType: config.tokenType)
        // Documents go to the packer in batches of about 32 MB of text: it tokenizes each and keeps only
        // the ids (on disk), so the phase is never all in memory.
        let report = try packer.pack(reading: { consume in
            var batch: [PackDocument] = []
            var batchBytes = 0
            for source in mixture.sources {
                let folder = "\(root)/\(input)/\(source)"
                var sourceStats = SourceStats()
                for file in FileSystem.list(folder) where file.hasSuffix(".jsonl.zst") {
                    sourceStats.files += 1
                    try DocumentReader<PackRecord>(path: folder + "/" + file).forEach({ record, line in
                        switch PackRecordParser.parse(record, defaultSource: source, lineNumber: line.number) {
                        case .success(var document):
                            document.source = source
                            sourceStats.documents += 1
                            sourceStats.textBytes += document.textBytes
                            batch.append(document)
                            batchBytes += document.textBytes
                            if batchBytes >= 32 << 20 {
                                try consume(batch)
                                batch.removeAll(keepingCapacity: true)
                                batchBytes = 0
                            }
                        case .failure(let problem):
                            sourceStats.skipped["bad_record", default: 0] += 1
                            log("skip \(folder)/\(file) line \(line.number): \(problem)")
                        }
                    }, onBadLine: { bad in
                        // A line that is not a JSON object: counted and logged, the rest of the phase packs.
                        sourceStats.skipped[bad.reason.hasPrefix("a line of") ? "overlong_line" : "bad_record", default: 0] += 1
                        log("skip \(bad)")
                    })
                }
                progress.documents.add(sourceStats.documents, ordering: .relaxed)
                progress.bytesDone.add(sourceStats.textBytes, ordering: .relaxed)
                stats.sources[source] = sourceStats
            }
            try consume(batch)
        }, into: directory) { log($0) }
        log("\(mixture.name): train \(report.train.packing.samples) samples (\(report.train.packing.tokens) tokens), "
            + "val \(report.validation.packing.samples) samples; \(report.rejectedDocuments) documents rejected")
        return stats
    }
}

extension PhaseMixture {
    /// A manifest phase as packing sees it.
    init(_ phase: ManifestPhase) {
        let kind: PackKind = switch phase.kind {
        case .pretrain: .pretrain
        case .sft: .sft
        case .preference: .preference
        }
        self.init(name: phase.name, kind: kind, tokens: phase.tokens, weights: phase.weights, epochs: phase.epochs,
                  languageWeights: phase.languageWeights)
    }
}
