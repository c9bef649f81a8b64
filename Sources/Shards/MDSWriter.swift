import CorpusIO

/// How an MDS dataset is written.
public struct MDSWriterOptions: Sendable, Equatable {
    /// zstd level; nil stores shards uncompressed.
    public var compressionLevel: Int32?
    /// Uncompressed bytes per shard before rolling over (streaming's `size_limit`); nil: one shard.
    public var sizeLimit: Int?
    /// Hashes recorded per file, sorted by name as streaming requires.
    public var hashes: [ShardHash]

    public init(compressionLevel: Int32? = 3, sizeLimit: Int? = 1 << 26, hashes: [ShardHash] = [.sha1, .xxh3_64]) {
        self.compressionLevel = compressionLevel
        self.sizeLimit = sizeLimit
        self.hashes = hashes.sorted { $0.rawValue < $1.rawValue }
    }

    var compression: String? { compressionLevel.map { "zstd:\($0)" } }
}

/// Writes samples into MDS shards the way mosaicml-streaming's `MDSWriter` does: same file layout,
/// same rollover rule, same `index.json`. Each shard file is written atomically and the index last,
/// so a folder with an index is complete.
public final class MDSWriter {
    public let directory: String
    /// Columns sorted by name (the stored order).
    public let columns: [MDSColumn]
    public let options: MDSWriterOptions
    private let config: [UInt8]
    private var pending: [UInt8] = []
    private var sampleSizes: [Int] = []
    private var shardSize: Int
    private var shards: [MDSShardInfo] = []
    private var scratch: [UInt8] = []
    /// xxh3_64 of every encoded sample, written beside the index (see `SampleChecksums`).
    private var sampleChecksums: [UInt64] = []
    public private(set) var samplesWritten = 0

    public init(directory: String, columns: [MDSColumn], options: MDSWriterOptions = MDSWriterOptions()) throws {
        precondition(Set(columns.map(\.name)).count == columns.count, "column names must be unique")
        self.directory = directory
        self.columns = columns.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        self.options = options
        config = Array(MDSShardInfo.config(columns: self.columns, compression: options.compression,
                                           hashes: options.hashes.map(\.rawValue), sizeLimit: options.sizeLimit).text.utf8)
        shardSize = 8 + config.count
        try FileSystem.createDirectory(directory)
    }

    /// Adds a sample given as values per column, in `columns` order.
    public func write(_ values: [[Int32]]) throws {
        scratch.removeAll(keepingCapacity: true)
        do {
            try MDSSampleCoding.encode(values, columns: columns, into: &scratch)
        } catch {
            throw ShardError(file: directory, sample: samplesWritten, message: error.message)
        }
        // streaming's rule: the sample, plus its 4-byte offset, must fit under the limit.
        if let limit = options.sizeLimit, limit < shardSize + scratch.count + 4 {
            try flushShard()
        }
        pending.append(contentsOf: scratch)
        sampleChecksums.append(scratch.withUnsafeBytes { XXHash.xxh3_64($0) })
        sampleSizes.append(scratch.count)
        shardSize += scratch.count + 4
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
        let index = MDSIndex(shards: shards)
        try SampleChecksums.write(sampleChecksums, directory: directory)
        try FileSystem.writeAtomically(Array(index.text.utf8), to: directory + "/" + MDSIndex.fileName)
        return index
    }

    private func flushShard() throws {
        let number = String(shards.count)
        let rawName = "shard." + String(repeating: "0", count: max(0, 5 - number.count)) + number + ".mds"
        var raw: [UInt8] = []
        raw.reserveCapacity(4 + 4 * (sampleSizes.count + 1) + config.count + pending.count)
        MDSSampleCoding.appendU32(UInt32(sampleSizes.count), to: &raw)
        var offset = 4 + 4 * (sampleSizes.count + 1) + config.count
        MDSSampleCoding.appendU32(UInt32(offset), to: &raw)
        for size in sampleSizes {
            offset += size
            MDSSampleCoding.appendU32(UInt32(truncatingIfNeeded: offset), to: &raw)
        }
        raw.append(contentsOf: config)
        raw.append(contentsOf: pending)
        let rawInfo = fileInfo(raw, basename: rawName)
        var zipInfo: MDSFileInfo?
        if let level = options.compressionLevel {
            let compressed = try raw.withUnsafeBytes { try ZstdCompressor.compress($0, level: level) }
            zipInfo = fileInfo(compressed, basename: rawName + ".zstd")
            try FileSystem.writeAtomically(compressed, to: directory + "/" + rawName + ".zstd")
        } else {
            try FileSystem.writeAtomically(raw, to: directory + "/" + rawName)
        }
        shards.append(MDSShardInfo(
            columnEncodings: columns.map(\.encoding), columnNames: columns.map(\.name),
            columnSizes: columns.map(\.fixedSize), compression: options.compression, format: "mds",
            hashes: options.hashes.map(\.rawValue), rawData: rawInfo, samples: sampleSizes.count,
            sizeLimit: options.sizeLimit, version: 2, zipData: zipInfo))
        pending.removeAll(keepingCapacity: true)
        sampleSizes.removeAll(keepingCapacity: true)
        shardSize = 8 + config.count
    }

    private func fileInfo(_ bytes: [UInt8], basename: String) -> MDSFileInfo {
        var hashes: [String: String] = [:]
        for hash in options.hashes { hashes[hash.rawValue] = hash.digest(bytes) }
        return MDSFileInfo(basename: basename, bytes: bytes.count, hashes: hashes)
    }
}
