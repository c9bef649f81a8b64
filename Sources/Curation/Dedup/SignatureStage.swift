import CorpusIO
import Stages

/// Dedup stage 1, one task per ingest task: for every document, its exact hash and MinHash
/// signature, written sorted (per bucket, by signature then index) to checksummed record files,
/// plus a list of the documents (index, id, source, priority, size, exact hash) for later stages.
public struct SignatureStage: TaskStage {
    public static let stageName = "dedup/signatures"
    public let name = SignatureStage.stageName
    public let layout: DedupLayout
    public let sources: [DedupSource]
    public var taskCount: Int { layout.ingestTasks }

    public init(layout: DedupLayout, sources: [DedupSource]) {
        self.layout = layout
        self.sources = sources
    }

    public func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
        let config = layout.config
        let minhash = config.minhashConfig
        let words = MinHasher(config: minhash)
        var codeConfig = minhash
        codeConfig.shingling = .code
        let code = MinHasher(config: codeConfig)
        var simplifier = TextSimplifier()
        var signatures: [UInt64] = []       // (documents with a signature, hashCount)
        var signed: [UInt32] = []           // their indices in the task
        var exact: [(hash: Hash128, index: UInt32)] = []
        var scratch = [UInt64](repeating: 0, count: minhash.hashCount)
        var stats = TaskStats(stage: name, task: task, tasks: taskCount)

        try FileSystem.createDirectory(layout.folder + "/signatures/docs")
        let docs = try ZstdFileWriter(path: layout.docsPath(task: task))
        var line: [UInt8] = []
        try DocumentStream(sources: sources) { layout.ingestPath(source: $0, task: task) }.forEach { document, source, index in
            let hash = config.exactNormalize ? XXHash.xxh3_128(Self.normalizedForExact(document.text))
                                             : XXHash.xxh3_128(document.text)
            if config.exact { exact.append((hash, UInt32(index))) }
            if config.minhash && !config.nearDuplicateExemptDomains.contains(source.domain) {
                let hasher = config.codeDomains.contains(source.domain) ? code : words
                let found = scratch.withUnsafeMutableBufferPointer { hasher.signature(document.text, simplifier: &simplifier, into: $0) }
                if found {
                    signatures.append(contentsOf: scratch)
                    signed.append(UInt32(index))
                }
            }
            line.removeAll(keepingCapacity: true)
            DocumentEntry(index: index, id: document.id, source: source.name, priority: source.priority,
                          bytes: document.text.utf8.count, hash: hash.description).write(to: &line)
            try docs.write(line)
            stats.sources[source.name, default: SourceStats()].documents += 1
            stats.sources[source.name, default: SourceStats()].textBytes += document.text.utf8.count
            progress.documents.add(1, ordering: .relaxed)
            progress.bytesDone.add(document.text.utf8.count, ordering: .relaxed)
        }
        if config.minhash { try writeBuckets(signatures: signatures, signed: signed, task: task, config: minhash) }
        if config.exact { try writeExact(exact, task: task) }
        try docs.commit()
        return stats
    }

    /// One sorted record file per bucket: records ordered by the bucket's minima, then index.
    private func writeBuckets(signatures: [UInt64], signed: [UInt32], task: Int, config: MinHashConfig) throws {
        let width = config.hashesPerBucket
        let stride = config.hashCount
        var record = [UInt8](repeating: 0, count: DedupRecords.signatureSize(config))
        try signatures.withUnsafeBufferPointer { all in
            for bucket in 0..<config.buckets {
                let offset = bucket * width
                let order = (0..<signed.count).sorted { x, y in
                    for k in 0..<width {
                        let a = all[x * stride + offset + k], b = all[y * stride + offset + k]
                        if a != b { return a < b }
                    }
                    return signed[x] < signed[y]
                }
                let path = layout.signaturePath(bucket: bucket, task: task)
                try FileSystem.createDirectory(FileSystem.parent(of: path))
                let writer = try RecordFileWriter(path: path, recordSize: record.count)
                for row in order {
                    record.withUnsafeMutableBytes { raw in
                        for k in 0..<width {
                            raw.storeBytes(of: all[row * stride + offset + k].littleEndian, toByteOffset: k * 8, as: UInt64.self)
                        }
                        raw.storeBytes(of: signed[row].littleEndian, toByteOffset: width * 8, as: UInt32.self)
                    }
                    try record.withUnsafeBytes { try writer.append($0) }
                }
                try writer.commit()
            }
        }
    }

    private func writeExact(_ hashes: [(hash: Hash128, index: UInt32)], task: Int) throws {
        let sorted = hashes.sorted { ($0.hash, $0.index) < ($1.hash, $1.index) }
        let path = layout.exactPath(task: task)
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        let writer = try RecordFileWriter(path: path, recordSize: DedupRecords.exactSize)
        var record = [UInt8](repeating: 0, count: DedupRecords.exactSize)
        for entry in sorted {
            record.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: entry.hash.high.littleEndian, toByteOffset: 0, as: UInt64.self)
                raw.storeBytes(of: entry.hash.low.littleEndian, toByteOffset: 8, as: UInt64.self)
                raw.storeBytes(of: entry.index.littleEndian, toByteOffset: 16, as: UInt32.self)
            }
            try record.withUnsafeBytes { try writer.append($0) }
        }
        try writer.commit()
    }

    /// Lowercased, whitespace runs collapsed to one space, trimmed: copies that differ only in
    /// case or spacing hash alike.
    static func normalizedForExact(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

