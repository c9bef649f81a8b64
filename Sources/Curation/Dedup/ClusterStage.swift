import CorpusIO
import Foundation
import Stages

/// Dedup stage 3, a single task: joins every duplicate pair into clusters, keeps one document per
/// cluster by the configured rule and writes, per ingest task, the documents to remove with their
/// cluster, the id they duplicate and why. With `keep: priority` (the default) every step is a sorted
/// pass over files on disk (`ClusterStage+External`), so memory stays within `dedup.cluster_buffer`
/// however many pairs and documents there are; `keep: datatrove` needs datatrove's in-memory union-find.
public struct ClusterStage: TaskStage {
    public static let stageName = "dedup/cluster"
    public let name = ClusterStage.stageName
    public let layout: DedupLayout
    public let taskCount = 1
    /// Forces the in-memory union-find with `keep: priority` too (tests compare the two paths).
    let inMemory: Bool

    public init(layout: DedupLayout) {
        self.init(layout: layout, inMemory: false)
    }

    init(layout: DedupLayout, inMemory: Bool) {
        self.layout = layout
        self.inMemory = inMemory
    }

    public func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
        let summary = inMemory || layout.config.keep == .datatrove ? try clusterInMemory() : try clusterExternally(log: log)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try FileSystem.writeAtomically(Array(try encoder.encode(summary)) + [0x0A], to: layout.clusterSummaryPath)
        log("\(summary.clusters) clusters, \(summary.removed) documents to remove \(summary.removedByReason)")
        var stats = TaskStats(stage: name, task: task, tasks: 1)
        stats.sources["clusters"] = SourceStats()
        stats.sources["clusters"]!.documents = summary.clusters
        return stats
    }

    /// Every pair of every bucket (and of exact hashes), as document keys.
    func forEachPair(_ body: (UInt64, UInt64) throws -> Void) throws {
        var pairFiles: [String] = []
        if layout.config.minhash { pairFiles += (0..<layout.config.minhashConfig.buckets).map(layout.pairsPath(bucket:)) }
        if layout.config.exact { pairFiles.append(layout.exactPairsPath) }
        for (bucketTask, path) in pairFiles.enumerated() {
            let reader = try RecordFileReader(path: path, recordSize: DedupRecords.pairSize,
                                              producer: "\(BucketStage.stageName) task \(bucketTask)") {
                layout.invalidate(stage: BucketStage.stageName, task: bucketTask)
            }
            while let record = try reader.next() {
                let words = (0..<4).map { UInt32(littleEndian: record.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
                try body(Self.key(task: words[0], index: words[1]), Self.key(task: words[2], index: words[3]))
            }
        }
    }

    /// The union-find over every clustered document in memory: what datatrove does, and the only way to
    /// keep datatrove's root (`keep: datatrove`). Memory grows with the documents in clusters.
    private func clusterInMemory() throws -> ClusterSummary {
        var sets = UnionFind()
        try forEachPair { sets.union($0, $1) }

        var clusters: [UInt64: [UInt64]] = [:]
        for member in sets.members { clusters[sets.root(member), default: []].append(member) }
        let entries = try loadEntries(for: Set(sets.members))
        var removals: [Int: [Removal]] = [:]
        var sizes: [Int: Int] = [:]
        var reasons: [String: Int] = [:]
        // Numbered by smallest member, so ids do not depend on dictionary order.
        let ordered = clusters.map { (root: $0.key, members: $0.value.sorted()) }.sorted { $0.members[0] < $1.members[0] }
        for (number, cluster) in ordered.enumerated() {
            sizes[cluster.members.count, default: 0] += 1
            let kept = keptMember(root: cluster.root, members: cluster.members, entries: entries)
            guard let keptEntry = entries[kept] else { continue }
            for member in cluster.members where member != kept {
                guard let entry = entries[member] else { continue }
                let reason = entry.hash == keptEntry.hash ? "exact" : "near"
                reasons[reason, default: 0] += 1
                removals[Int(member >> 32), default: []].append(
                    Removal(index: entry.index, id: entry.id, source: entry.source, bytes: entry.bytes,
                            cluster: number, duplicateOf: keptEntry.id, reason: reason))
            }
        }

        try FileSystem.createDirectory(layout.folder + "/clusters")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for ingestTask in 0..<layout.ingestTasks {
            let list = (removals[ingestTask] ?? []).sorted { $0.index < $1.index }
            var bytes: [UInt8] = []
            for removal in list { bytes += Array(try encoder.encode(removal)) + [0x0A] }
            try FileSystem.writeAtomically(bytes, to: layout.removedListPath(task: ingestTask))
        }
        return ClusterSummary(clusters: ordered.count, documentsInClusters: sets.members.count,
                              removed: reasons.values.reduce(0, +), removedByReason: reasons,
                              clusterSizes: Dictionary(uniqueKeysWithValues: sizes.map { (String($0.key), $0.value) }))
    }

    static func key(task: UInt32, index: UInt32) -> UInt64 { UInt64(task) << 32 | UInt64(index) }

    private func keptMember(root: UInt64, members: [UInt64], entries: [UInt64: DocumentEntry]) -> UInt64 {
        switch layout.config.keep {
        case .datatrove:
            return root
        case .priority:
            return members.min { a, b in
                guard let x = entries[a], let y = entries[b] else { return a < b }
                if x.priority != y.priority { return x.priority < y.priority }
                return x.id.utf8.lexicographicallyPrecedes(y.id.utf8)
            }!
        }
    }

    /// The document entries of the given (task, index) keys, reading only the tasks that hold any.
    private func loadEntries(for keys: Set<UInt64>) throws -> [UInt64: DocumentEntry] {
        var entries: [UInt64: DocumentEntry] = [:]
        let tasks = Set(keys.map { Int($0 >> 32) })
        for ingestTask in tasks.sorted() {
            try DocumentEntry.forEach(path: layout.docsPath(task: ingestTask),
                                      producer: "\(SignatureStage.stageName) task \(ingestTask)",
                                      invalidate: { layout.invalidate(stage: SignatureStage.stageName, task: ingestTask) }) { entry in
                let key = Self.key(task: UInt32(ingestTask), index: UInt32(entry.index))
                if keys.contains(key) { entries[key] = entry }
            }
        }
        return entries
    }
}

/// One document to remove (a line of `dedup/clusters/<task>.removed.jsonl`).
public struct Removal: Codable, Equatable, Sendable {
    public var index: Int
    public var id: String
    public var source: String
    public var bytes: Int
    public var cluster: Int
    public var duplicateOf: String
    /// `exact` when its text hash equals the kept document's, else `near`.
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case index, id, source, bytes, cluster, duplicateOf = "duplicate_of", reason
    }
}

/// `dedup/clusters/summary.json`.
public struct ClusterSummary: Codable, Equatable, Sendable {
    public var clusters: Int
    public var documentsInClusters: Int
    public var removed: Int
    public var removedByReason: [String: Int]
    /// Cluster size -> how many clusters have it.
    public var clusterSizes: [String: Int]

    enum CodingKeys: String, CodingKey {
        case clusters, documentsInClusters = "documents_in_clusters", removed, removedByReason = "removed_by_reason"
        case clusterSizes = "cluster_sizes"
    }
}
