import CorpusIO
import Foundation
import Stages

/// The clustering step in bounded memory, with exactly the in-memory union-find's output for
/// `keep: priority`:
/// 1. connected components of the pairs (`ExternalComponents`): each clustered document labelled with
///    its cluster's smallest document key, in key order;
/// 2. those labels joined with the signature stage's document entries, task by task (both in key order),
///    into member records sorted by (cluster, priority, id): each cluster's first record is the one it keeps,
///    and clusters come in order of their smallest member, which numbers them as before;
/// 3. the removals sorted back into (task, index) order and written per ingest task.
/// Every sort runs through an `ExternalSorter` of `dedup.cluster_buffer` bytes, under a scratch folder
/// that is removed at the end (and at the start, after a killed run).
extension ClusterStage {
    func clusterExternally(log: TaskLog) throws -> ClusterSummary {
        let scratch = layout.folder + "/cluster/scratch"
        if FileManager.default.fileExists(atPath: scratch) { try FileManager.default.removeItem(atPath: scratch) }
        try FileSystem.createDirectory(scratch)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let buffer = layout.config.clusterBufferBytes

        // 1. Components.
        var components = ExternalComponents(folder: scratch + "/components", bufferBytes: buffer)
        let labelsPath = scratch + "/labels.bin"
        let labels = try AtomicOutputFile(path: labelsPath)
        var clustered = 0
        try components.run(edges: { add in try forEachPair(add) }, body: { vertex, component in
            try labels.write(ExternalSorter.key(vertex, component))
            clustered += 1
        })
        try labels.commit()

        // 2. Members with their entries, by (cluster, priority, id).
        // The members are read out while the removals fill: each sorter gets half the buffer.
        let members = try ExternalSorter(folder: scratch + "/members", bufferBytes: buffer / 2)
        let cursor = try LabelCursor(path: labelsPath)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for ingestTask in 0..<layout.ingestTasks {
            // Only the tasks that hold clustered documents are read.
            guard let next = try cursor.peek(), Int(next.vertex >> 32) == ingestTask else { continue }
            try DocumentEntry.forEach(path: layout.docsPath(task: ingestTask),
                                      producer: "\(SignatureStage.stageName) task \(ingestTask)",
                                      invalidate: { layout.invalidate(stage: SignatureStage.stageName, task: ingestTask) }) { entry in
                let key = Self.key(task: UInt32(ingestTask), index: UInt32(entry.index))
                while let label = try cursor.peek(), label.vertex < key { cursor.skip() }
                guard let label = try cursor.peek(), label.vertex == key else { return }
                cursor.skip()
                // Priority as an order-preserving unsigned word, then the id's bytes: the keep rule's order.
                let priority = UInt64(bitPattern: Int64(entry.priority)) ^ (1 << 63)
                try members.append(key: ExternalSorter.key(label.component, priority) + Array(entry.id.utf8),
                                   payload: ExternalSorter.key(key) + Array(try encoder.encode(entry)))
            }
            // Labels of this task without an entry are skipped, as the in-memory path skips them.
            while let label = try cursor.peek(), Int(label.vertex >> 32) == ingestTask { cursor.skip() }
        }

        // 3. Clusters in order of their smallest member; removals by (task, index).
        let removals = try ExternalSorter(folder: scratch + "/removals", bufferBytes: buffer / 2)
        let decoder = JSONDecoder()
        var number = -1
        var current: UInt64?
        var kept: DocumentEntry?
        var size = 0
        var sizes: [Int: Int] = [:]
        var reasons: [String: Int] = [:]
        try members.finish { key, payload in
            let component = ExternalSorter.word(key, 0)
            let entry = try decoder.decode(DocumentEntry.self, from: Data(payload[8...]))
            if component != current {
                if current != nil { sizes[size, default: 0] += 1 }
                current = component
                number += 1
                kept = entry
                size = 1
                return
            }
            size += 1
            let reason = entry.hash == kept!.hash ? "exact" : "near"
            reasons[reason, default: 0] += 1
            let removal = Removal(index: entry.index, id: entry.id, source: entry.source, bytes: entry.bytes,
                                  cluster: number, duplicateOf: kept!.id, reason: reason)
            try removals.append(key: Array(payload[0..<8]), payload: Array(try encoder.encode(removal)) + [0x0A])
        }
        if current != nil { sizes[size, default: 0] += 1 }

        try FileSystem.createDirectory(layout.folder + "/clusters")
        var writing = 0
        var file = try AtomicOutputFile(path: layout.removedListPath(task: 0))
        try removals.finish { key, line in
            let task = Int(ExternalSorter.word(key, 0) >> 32)
            while writing < task {
                try file.commit()
                writing += 1
                file = try AtomicOutputFile(path: layout.removedListPath(task: writing))
            }
            try file.write(line)
        }
        try file.commit()
        for task in (writing + 1)..<max(writing + 1, layout.ingestTasks) {
            try FileSystem.writeAtomically([], to: layout.removedListPath(task: task))
        }
        log("clustering: \(clustered) documents in pairs, \(components.passes) passes over the edges, "
            + "\(components.runsWritten + members.runsWritten + removals.runsWritten) sort runs spilled "
            + "(buffer \(buffer >> 20) MiB)")
        return ClusterSummary(clusters: number + 1, documentsInClusters: clustered,
                              removed: reasons.values.reduce(0, +), removedByReason: reasons,
                              clusterSizes: Dictionary(uniqueKeysWithValues: sizes.map { (String($0.key), $0.value) }))
    }
}

/// Reads (vertex, component) labels one at a time, with one record of look-ahead.
private final class LabelCursor {
    private let reader: ScratchReader
    private var head: (vertex: UInt64, component: UInt64)?

    init(path: String) throws { reader = try ScratchReader(path: path) }

    func peek() throws -> (vertex: UInt64, component: UInt64)? {
        if head == nil { head = try reader.next(16) { (ExternalSorter.word($0, 0), ExternalSorter.word($0, 1)) } }
        return head
    }

    func skip() { head = nil }
}
