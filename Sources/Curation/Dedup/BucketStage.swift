import CorpusIO
import HeapModule
import Stages

/// Dedup stage 2, one task per MinHash bucket (and one for exact hashes): merges that bucket's
/// sorted files from every signature task and writes each pair of neighbours with equal keys,
/// `(task, index)` of the earlier then of the later record, in merge order (datatrove's order:
/// key, then task, then index). Memory: one record and a read buffer per input file, the buffers
/// 64 MiB together.
public struct BucketStage: TaskStage {
    public static let stageName = "dedup/buckets"
    public let name = BucketStage.stageName
    public let layout: DedupLayout
    public var taskCount: Int { layout.bucketTasks }

    public init(layout: DedupLayout) {
        self.layout = layout
    }

    /// Whether bucket-stage task `task` handles exact hashes (the last task when exact is on).
    func isExactTask(_ task: Int) -> Bool { layout.config.exact && task == taskCount - 1 }

    public func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
        let exact = isExactTask(task)
        let recordSize = exact ? DedupRecords.exactSize : DedupRecords.signatureSize(layout.config.minhashConfig)
        let keyWords = exact ? 2 : layout.config.minhashConfig.hashesPerBucket
        // One read buffer per signature task: 64 MiB between them (1 MiB each up to 64 tasks), so the
        // merge's memory does not grow with the task count.
        let bufferBytes = min(1 << 20, (64 << 20) / max(1, layout.ingestTasks))
        let readers = try (0..<layout.ingestTasks).map { source in
            let path = exact ? layout.exactPath(task: source) : layout.signaturePath(bucket: task, task: source)
            return try RecordFileReader(path: path, recordSize: recordSize, producer: "\(SignatureStage.stageName) task \(source)",
                                        bufferBytes: bufferBytes) {
                layout.invalidate(stage: SignatureStage.stageName, task: source)
            }
        }
        var heap = Heap<MergeRecord>()
        for (file, reader) in readers.enumerated() {
            if let record = try reader.next() { heap.insert(MergeRecord(record, file: file, keyWords: keyWords)) }
        }
        let output = exact ? layout.exactPairsPath : layout.pairsPath(bucket: task)
        try FileSystem.createDirectory(FileSystem.parent(of: output))
        let writer = try RecordFileWriter(path: output, recordSize: DedupRecords.pairSize)
        var previous: MergeRecord?
        var pair = [UInt32](repeating: 0, count: 4)
        while let current = heap.popMin() {
            if let previous, previous.key == current.key {
                pair[0] = UInt32(previous.file).littleEndian
                pair[1] = previous.index.littleEndian
                pair[2] = UInt32(current.file).littleEndian
                pair[3] = current.index.littleEndian
                try pair.withUnsafeBytes { try writer.append($0) }
            }
            previous = current
            if let record = try readers[current.file].next() {
                heap.insert(MergeRecord(record, file: current.file, keyWords: keyWords))
            }
        }
        try writer.commit()
        var stats = TaskStats(stage: name, task: task, tasks: taskCount)
        stats.sources["pairs"] = SourceStats()
        stats.sources["pairs"]!.documents = writer.count
        return stats
    }
}

/// A record in the k-way merge, ordered by key, then file (task), then index: datatrove's
/// `HashSig` order.
struct MergeRecord: Comparable {
    let key: [UInt64]
    let file: Int
    let index: UInt32

    init(_ record: UnsafeRawBufferPointer, file: Int, keyWords: Int) {
        key = (0..<keyWords).map { UInt64(littleEndian: record.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        index = UInt32(littleEndian: record.loadUnaligned(fromByteOffset: keyWords * 8, as: UInt32.self))
        self.file = file
    }

    static func < (a: MergeRecord, b: MergeRecord) -> Bool {
        if a.key != b.key { return a.key.lexicographicallyPrecedes(b.key) }
        return (a.file, a.index) < (b.file, b.index)
    }
}
