import CorpusIO
import Foundation
import Stages

/// A source as the filter stage sees it: its filters chosen by its domain.
public struct FilterSource: Sendable {
    public var name: String
    public var filters: [any DocumentFilter]

    public init(name: String, filters: [any DocumentFilter]) {
        self.name = name
        self.filters = filters
    }
}

/// The filter stage, one task per ingest task: runs each document of a source through its filters in
/// order; the first drop wins. Kept documents (with any rewriting, e.g. C4 line removal or PII
/// replacement) go to `filter/output/<source>/<task>.jsonl.zst`; dropped ones, when asked, to
/// `filter/excluded/<source>/<task>.jsonl.zst` with `filter` and `filter_reason` in their metadata.
/// Stats count drops per `<filter>/<reason>` and source. Each task runs fresh filter instances
/// (`forTask()`), so state carried across documents (the PII replacement cycles) runs over one task's
/// documents in order, as in a datatrove task.
public struct FilterStage: TaskStage {
    public static let stageName = "filter"
    public let name = FilterStage.stageName
    public let root: String
    /// Where the input documents are, under the root: `dedup/output` after dedup, else `ingest`.
    public let input: String
    public let sources: [FilterSource]
    public let taskCount: Int
    public let writeExcluded: Bool

    public init(root: String, input: String, sources: [FilterSource], tasks: Int, writeExcluded: Bool) {
        self.root = root
        self.input = input
        self.sources = sources
        self.taskCount = tasks
        self.writeExcluded = writeExcluded
    }

    public func outputPath(source: String, task: Int) -> String {
        "\(root)/filter/output/\(source)/\(StageLayout.taskName(task)).jsonl.zst"
    }

    public func excludedPath(source: String, task: Int) -> String {
        "\(root)/filter/excluded/\(source)/\(StageLayout.taskName(task)).jsonl.zst"
    }

    public func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
        var stats = TaskStats(stage: name, task: task, tasks: taskCount)
        var writers: [String: ZstdFileWriter] = [:]
        var line: [UInt8] = []
        for source in sources {
            let path = "\(root)/\(input)/\(source.name)/\(StageLayout.taskName(task)).jsonl.zst"
            guard FileSystem.exists(path) else { continue }
            var counts = SourceStats()
            counts.files = 1
            let filters = source.filters.map { $0.forTask() }
            try DocumentReader<Document>(path: path).forEach({ decoded, _ in
                var document = decoded
                let size = document.text.utf8.count
                counts.inputBytes += size
                var text = document.text
                var verdict: (filter: String, reason: String)?
                for filter in filters {
                    if case .drop(let reason) = filter.apply(to: &text, metadata: &document.metadata) {
                        verdict = (filter.name, reason ?? "dropped")
                        break
                    }
                }
                let output: String
                if let verdict {
                    counts.count(reason: verdict.filter + "/" + verdict.reason, bytes: size)
                    guard writeExcluded else { return }
                    document.metadata["filter"] = .string(verdict.filter)
                    document.metadata["filter_reason"] = .string(verdict.reason)
                    output = excludedPath(source: source.name, task: task)
                } else {
                    document.text = text
                    counts.documents += 1
                    counts.textBytes += text.utf8.count
                    if case .string(let language) = document.metadata["language"] {
                        counts.languages[language, default: LanguageCount()].add(bytes: text.utf8.count)
                    }
                    output = outputPath(source: source.name, task: task)
                }
                if writers[output] == nil {
                    try FileSystem.createDirectory(FileSystem.parent(of: output))
                    writers[output] = try ZstdFileWriter(path: output)
                }
                line.removeAll(keepingCapacity: true)
                document.jsonLine(into: &line)
                try writers[output]!.write(line)
                progress.documents.add(1, ordering: .relaxed)
                progress.bytesDone.add(size, ordering: .relaxed)
            }, onBadLine: { throw $0.corruptInput })
            stats.sources[source.name] = counts
        }
        for path in writers.keys.sorted() { try writers[path]!.commit() }
        return stats
    }
}

extension SourceStats {
    /// Counts a drop under a free-form reason (filters name theirs `<filter>/<reason>`).
    public mutating func count(reason: String, bytes: Int) {
        skipped[reason, default: 0] += 1
        skippedBytes[reason, default: 0] += bytes
    }
}
