import CorpusIO
import Foundation
import Stages

/// Dedup stage 4, one task per ingest task: copies the task's documents to
/// `dedup/output/<source>/<task>.jsonl.zst` except the removed ones, which go (when asked) to
/// `dedup/removed/<source>/<task>.jsonl.zst` with `dedup_cluster`, `duplicate_of` and
/// `dedup_reason` added to their metadata. Kept lines are copied byte for byte, not re-encoded.
public struct RemoveStage: TaskStage {
    public static let stageName = "dedup/remove"
    public let name = RemoveStage.stageName
    public let layout: DedupLayout
    public let sources: [DedupSource]
    public var taskCount: Int { layout.ingestTasks }

    public init(layout: DedupLayout, sources: [DedupSource]) {
        self.layout = layout
        self.sources = sources
    }

    public func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
        let removals = try loadRemovals(task: task)
        let entries = try loadEntries(task: task)
        // Keyed by output path: a source's kept and removed documents go to different files.
        var writers: [String: ZstdFileWriter] = [:]
        var stats = TaskStats(stage: name, task: task, tasks: taskCount)
        var line: [UInt8] = []
        let decoder = JSONDecoder()
        let stream = DocumentStream(sources: sources) { layout.ingestPath(source: $0, task: task) }
        try stream.forEachLine { bytes, source, index, file, offset in
            guard index < entries.count, Self.line(bytes, startsWithID: entries[index].id) else {
                layout.invalidate(stage: SignatureStage.stageName, task: task)
                throw CorruptIntermediateError(
                    path: layout.docsPath(task: task),
                    problem: "its entry \(index) does not describe document \(index) of \(file) (byte \(offset)); "
                        + "the ingest output changed after signatures were computed",
                    producer: "\(SignatureStage.stageName) task \(task)")
            }
            let size = entries[index].bytes
            stats.sources[source.name, default: SourceStats()].inputBytes += size
            line.removeAll(keepingCapacity: true)
            let path: String
            if let removal = removals[index] {
                stats.sources[source.name, default: SourceStats()].count(
                    removal.reason == "exact" ? .exactDuplicate : .nearDuplicate, bytes: size)
                guard layout.config.writeRemoved else { return }
                var document = try decoder.decode(Document.self, from: Data(bytes))
                document.metadata["dedup_cluster"] = .int(Int64(removal.cluster))
                document.metadata["duplicate_of"] = .string(removal.duplicateOf)
                document.metadata["dedup_reason"] = .string(removal.reason)
                document.jsonLine(into: &line)
                path = layout.removedDocumentsPath(source: source.name, task: task)
            } else {
                stats.sources[source.name, default: SourceStats()].documents += 1
                stats.sources[source.name, default: SourceStats()].textBytes += size
                line.append(contentsOf: bytes)
                line.append(0x0A)
                path = layout.keptPath(source: source.name, task: task)
            }
            if writers[path] == nil {
                try FileSystem.createDirectory(FileSystem.parent(of: path))
                writers[path] = try ZstdFileWriter(path: path)
            }
            try writers[path]!.write(line)
            progress.documents.add(1, ordering: .relaxed)
            progress.bytesDone.add(size, ordering: .relaxed)
        }
        if let last = removals.keys.max(), last >= entries.count {
            layout.invalidate(stage: ClusterStage.stageName, task: 0)
            throw CorruptIntermediateError(path: layout.removedListPath(task: task),
                                           problem: "names document \(last) but the task has \(entries.count)",
                                           producer: "\(ClusterStage.stageName) task 0")
        }
        // Outputs appear together, once every document was read.
        for path in writers.keys.sorted() { try writers[path]!.commit() }
        return stats
    }

    /// Whether a document line begins with `{"id":` and this id, as `Document.jsonLine` writes it.
    static func line(_ bytes: UnsafeRawBufferPointer, startsWithID id: String) -> Bool {
        var prefix = Array(#"{"id":"#.utf8)
        JSONText.appendString(id, to: &prefix)
        return bytes.count >= prefix.count && bytes.prefix(prefix.count).elementsEqual(prefix)
    }

    private func loadEntries(task: Int) throws -> [DocumentEntry] {
        var entries: [DocumentEntry] = []
        try DocumentEntry.forEach(path: layout.docsPath(task: task), producer: "\(SignatureStage.stageName) task \(task)",
                                  invalidate: { layout.invalidate(stage: SignatureStage.stageName, task: task) }) {
            entries.append($0)
        }
        return entries
    }

    private func loadRemovals(task: Int) throws -> [Int: Removal] {
        let path = layout.removedListPath(task: task)
        let producer = "\(ClusterStage.stageName) task 0"
        guard FileSystem.exists(path) else {
            layout.invalidate(stage: ClusterStage.stageName, task: 0)
            throw CorruptIntermediateError(path: path, problem: "missing", producer: producer)
        }
        var removals: [Int: Removal] = [:]
        let decoder = JSONDecoder()
        do {
            try ZstdLineReader.forEachLine(path: path) { line in
                guard case .line(let bytes, _) = line, !bytes.isEmpty else { return }
                let removal = try decoder.decode(Removal.self, from: Data(bytes))
                removals[removal.index] = removal
            }
        } catch {
            layout.invalidate(stage: ClusterStage.stageName, task: 0)
            throw CorruptIntermediateError(path: path, problem: "unreadable: \(error)", producer: producer)
        }
        return removals
    }
}
