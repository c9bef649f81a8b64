import CorpusIO

/// How an MDS dataset is written.
public struct MDSWriterOptions: Sendable, Equatable {
    /// zstd level; nil stores shards uncompressed.
    public var compressionLevel: Int32?
    /// Uncompressed bytes per shard before rolling over (streaming's `size_limit`); nil: one shard.
    public var sizeLimit: Int?
    /// Hashes recorded per file, sorted by name as streaming requires.
    public var hashes: [ShardHash]
    /// Shards compressed and hashed at once, in the background; each shard is compressed on one
    /// thread, so the bytes do not depend on this.
    public var compressionWorkers: Int

    public init(compressionLevel: Int32? = 3, sizeLimit: Int? = 1 << 26, hashes: [ShardHash] = [.sha1, .xxh3_64],
                compressionWorkers: Int = 1) {
        self.compressionLevel = compressionLevel
        self.sizeLimit = sizeLimit
        self.hashes = hashes.sorted { $0.rawValue < $1.rawValue }
        self.compressionWorkers = compressionWorkers
    }

    var compression: String? { compressionLevel.map { "zstd:\($0)" } }
}

/// Writes samples into MDS shards the way mosaicml-streaming's `MDSWriter` does: same file layout,
/// same rollover rule, same `index.json`. Samples are encoded straight into the open shard; full
/// shards are compressed, hashed and written on background threads (`ShardFinisher`) while the
/// next one fills. Each shard file is written atomically and the index last, so a folder with an
/// index is complete.
public final class MDSWriter {
    public let directory: String
    /// Columns sorted by name (the stored order).
    public let columns: [MDSColumn]
    public let options: MDSWriterOptions
    private let config: [UInt8]
    private var pending: [UInt8] = []
    private var sampleSizes: [Int] = []
    private var shardSize: Int
    private var shardCount = 0
    private let finisher: ShardFinisher
    /// xxh3_64 of every encoded sample, streamed beside the index (see `SampleChecksums`): a split of
    /// any size costs the writer no memory per sample.
    private let sampleChecksums: AtomicOutputFile
    private var checksumBytes: [UInt8] = []
    public private(set) var samplesWritten = 0

    public init(directory: String, columns: [MDSColumn], options: MDSWriterOptions = MDSWriterOptions()) throws {
        precondition(Set(columns.map(\.name)).count == columns.count, "column names must be unique")
        self.directory = directory
        self.columns = columns.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        self.options = options
        finisher = ShardFinisher(workers: options.compressionWorkers)
        config = Array(MDSShardInfo.config(columns: self.columns, compression: options.compression,
                                           hashes: options.hashes.map(\.rawValue), sizeLimit: options.sizeLimit).text.utf8)
        shardSize = 8 + config.count
        try FileSystem.createDirectory(directory)
        sampleChecksums = try AtomicOutputFile(path: directory + "/" + SampleChecksums.fileName)
        reserveShardCapacity()
    }

    /// A full shard's room up front, so filling a fresh buffer never regrows (and recopies) it.
    private func reserveShardCapacity() {
        if let limit = options.sizeLimit { pending.reserveCapacity(min(limit, 1 << 28)) }
    }

    /// Adds a sample given as values per column, in `columns` order.
    public func write(_ values: [[Int32]]) throws {
        let size: Int
        do {
            size = try MDSSampleCoding.encodedSize(values, columns: columns)
        } catch {
            throw ShardError(file: directory, sample: samplesWritten, message: error.message)
        }
        // streaming's rule: the sample, plus its 4-byte offset, must fit under the limit.
        if let limit = options.sizeLimit, limit < shardSize + size + 4 {
            try flushShard()
        }
        let start = pending.count
        do {
            try MDSSampleCoding.encode(values, columns: columns, into: &pending)
        } catch {
            pending.removeSubrange(start...)
            throw ShardError(file: directory, sample: samplesWritten, message: error.message)
        }
        checksumBytes.removeAll(keepingCapacity: true)
        MDSSampleCoding.appendUInt(pending.withUnsafeBytes { XXHash.xxh3_64(UnsafeRawBufferPointer(rebasing: $0[start...])) },
                                   width: 8, to: &checksumBytes)
        try sampleChecksums.write(checksumBytes)
        sampleSizes.append(size)
        shardSize += size + 4
        samplesWritten += 1
    }

    /// Adds a sample given by column name.
    public func write(named values: [String: [Int32]]) throws {
        try write(columns.map { values[$0.name] ?? [] })
    }

    /// Writes the last shard and `index.json`; returns the index.
    @discardableResult
    public func finish() throws -> MDSIndex {
        if !sampleSizes.isEmpty { try flushShard() }
        let index = MDSIndex(shards: try finisher.finish())
        try sampleChecksums.commit()
        try FileSystem.writeAtomically(Array(index.text.utf8), to: directory + "/" + MDSIndex.fileName)
        return index
    }

    /// Hands the open shard to the finisher: its header (sample count, offsets, config) is built
    /// here, its samples are passed over without a copy, and a recycled buffer takes their place.
    private func flushShard() throws {
        let number = String(shardCount)
        let rawName = "shard." + String(repeating: "0", count: max(0, 5 - number.count)) + number + ".mds"
        var header: [UInt8] = []
        header.reserveCapacity(4 + 4 * (sampleSizes.count + 1) + config.count)
        MDSSampleCoding.appendU32(UInt32(sampleSizes.count), to: &header)
        var offset = 4 + 4 * (sampleSizes.count + 1) + config.count
        MDSSampleCoding.appendU32(UInt32(offset), to: &header)
        for size in sampleSizes {
            offset += size
            MDSSampleCoding.appendU32(UInt32(truncatingIfNeeded: offset), to: &header)
        }
        header.append(contentsOf: config)
        let info = MDSShardInfo(
            columnEncodings: columns.map(\.encoding), columnNames: columns.map(\.name),
            columnSizes: columns.map(\.fixedSize), compression: options.compression, format: "mds",
            hashes: options.hashes.map(\.rawValue),
            rawData: MDSFileInfo(basename: rawName, bytes: header.count + pending.count, hashes: [:]),
            samples: sampleSizes.count, sizeLimit: options.sizeLimit, version: 2, zipData: nil)
        let body = pending
        pending = finisher.takeBuffer()
        reserveShardCapacity()
        try finisher.submit(number: shardCount, body: body) { [header, options, directory] body in
            try Self.store(header: header, body: body, info: info, options: options, directory: directory)
        }
        shardCount += 1
        sampleSizes.removeAll(keepingCapacity: true)
        shardSize = 8 + config.count
    }

    /// Compresses (when asked), hashes and atomically writes one shard; returns its finished entry.
    private static func store(header: [UInt8], body: [UInt8], info: MDSShardInfo, options: MDSWriterOptions,
                              directory: String) throws -> MDSShardInfo {
        var info = info
        let rawName = info.rawData.basename
        try header.withUnsafeBytes { headerBytes in
            try body.withUnsafeBytes { bodyBytes in
                let raw = [headerBytes, bodyBytes]
                info.rawData.hashes = digests(raw, options.hashes)
                if let level = options.compressionLevel {
                    let compressed = try ZstdCompressor.compress(parts: raw, level: level)
                    compressed.withUnsafeBytes { zipped in
                        info.zipData = MDSFileInfo(basename: rawName + ".zstd", bytes: compressed.count,
                                                   hashes: digests([zipped], options.hashes))
                    }
                    try FileSystem.writeAtomically(compressed, to: directory + "/" + rawName + ".zstd")
                } else {
                    let file = try AtomicOutputFile(path: directory + "/" + rawName)
                    for part in raw { try file.write(part) }
                    try file.commit()
                }
            }
        }
        return info
    }

    private static func digests(_ parts: [UnsafeRawBufferPointer], _ kinds: [ShardHash]) -> [String: String] {
        var hashes: [String: String] = [:]
        for hash in kinds { hashes[hash.rawValue] = hash.digest(parts: parts) }
        return hashes
    }
}
