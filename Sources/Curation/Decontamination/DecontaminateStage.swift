import CorpusIO
import Foundation
import Stages

/// The decontamination stage, one task per ingest task: every document of every source is checked
/// against the evaluation sets' grams (`Decontaminator`). Kept and cut documents go to
/// `<root>/decontaminate/output/<source>/<task>.jsonl.zst`; each removed or cut document is listed in
/// `<root>/decontaminate/removed/<source>/<task>.jsonl.zst` as `{id, source, action, evaluation_sets,
/// ngram, cut_bytes}`. Stats count, per source, `contaminated/<set>` for each set a dropped document
/// overlaps and `cut/<set>` for each set a cut document overlapped (a document overlapping two sets
/// counts under both).
public struct DecontaminateStage: TaskStage {
    public static let stageName = "decontaminate"
    public let name = DecontaminateStage.stageName
    public let root: String
    /// The input documents' folder under the root (`filter/output`).
    public let input: String
    public let sources: [String]
    public let taskCount: Int
    public let decontaminator: Decontaminator

    public init(root: String, input: String, sources: [String], tasks: Int, decontaminator: Decontaminator) {
        self.root = root
        self.input = input
        self.sources = sources
        self.taskCount = tasks
        self.decontaminator = decontaminator
    }

    public func outputPath(source: String, task: Int) -> String {
        "\(root)/decontaminate/output/\(source)/\(StageLayout.taskName(task)).jsonl.zst"
    }

    public func removedPath(source: String, task: Int) -> String {
        "\(root)/decontaminate/removed/\(source)/\(StageLayout.taskName(task)).jsonl.zst"
    }

    public func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
        var stats = TaskStats(stage: name, task: task, tasks: taskCount)
        var writers: [String: ZstdFileWriter] = [:]
        var line: [UInt8] = []
        func write(_ bytes: [UInt8], to path: String) throws {
            if writers[path] == nil {
                try FileSystem.createDirectory(FileSystem.parent(of: path))
                writers[path] = try ZstdFileWriter(path: path)
            }
            try writers[path]!.write(bytes)
        }
        for source in sources {
            let path = "\(root)/\(input)/\(source)/\(StageLayout.taskName(task)).jsonl.zst"
            guard FileSystem.exists(path) else { continue }
            var counts = SourceStats()
            counts.files = 1
            try DocumentReader<Document>(path: path).forEach({ document, _ in
                let size = document.text.utf8.count
                counts.inputBytes += size
                var kept: Document?
                switch decontaminator.apply(to: document) {
                case .keep:
                    kept = document
                case .drop(let finding):
                    for set in finding.sets { counts.count(reason: "contaminated/" + set, bytes: size) }
                    line.removeAll(keepingCapacity: true)
                    Self.listing(document, finding, action: "drop", cutBytes: 0, into: &line)
                    try write(line, to: removedPath(source: source, task: task))
                case .cut(let cut, let finding):
                    let removed = size - cut.text.utf8.count
                    for set in finding.sets { counts.count(reason: "cut/" + set, bytes: removed) }
                    line.removeAll(keepingCapacity: true)
                    Self.listing(document, finding, action: "cut", cutBytes: removed, into: &line)
                    try write(line, to: removedPath(source: source, task: task))
                    kept = cut
                }
                if let kept {
                    counts.documents += 1
                    counts.textBytes += kept.text.utf8.count
                    line.removeAll(keepingCapacity: true)
                    kept.jsonLine(into: &line)
                    try write(line, to: outputPath(source: source, task: task))
                }
                progress.documents.add(1, ordering: .relaxed)
                progress.bytesDone.add(size, ordering: .relaxed)
            }, onBadLine: { throw $0.corruptInput })
            stats.sources[source] = counts
        }
        for path in writers.keys.sorted() { try writers[path]!.commit() }
        return stats
    }

    /// One line of the removed listing.
    static func listing(_ document: Document, _ finding: ContaminationFinding, action: String, cutBytes: Int,
                        into line: inout [UInt8]) {
        JSONText.appendObject([("id", .string(document.id)), ("source", .string(document.source)),
                               ("action", .string(action)),
                               ("evaluation_sets", .array(finding.sets.map { .string($0) })),
                               ("ngram", .string(finding.ngram)), ("cut_bytes", .int(Int64(cutBytes)))], to: &line)
        line.append(0x0A)
    }
}
