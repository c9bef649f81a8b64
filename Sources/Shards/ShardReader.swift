import CorpusIO

/// One sample as the trainer sees it.
public struct ShardSample: Sendable, Equatable {
    /// `seq_len + 1` token ids (`tokens`; for preference shards, the `chosen` sequence).
    public var tokens: [Int32]
    /// 1 where the loss counts (`loss_mask`); nil when the shard has no mask.
    public var lossMask: [UInt8]?
    /// Positions where a document starts inside `tokens` (`boundaries`); nil when not recorded.
    public var boundaries: [Int32]?
    /// Every column by name, as stored.
    public var columns: [String: [Int32]]

    public init(columns: [String: [Int32]]) {
        self.columns = columns
        tokens = columns[ShardColumns.tokens] ?? columns[ShardColumns.chosen] ?? []
        lossMask = (columns[ShardColumns.lossMask] ?? columns[ShardColumns.chosenLossMask]).map { $0.map { UInt8(truncatingIfNeeded: $0) } }
        boundaries = columns[ShardColumns.boundaries]
    }
}

/// Random access to the samples of an MDS folder (ours or mosaicml-streaming's), shard by shard:
/// the shard holding a sample is decompressed whole and kept until another shard is needed.
public final class ShardReader {
    public let directory: String
    public let index: MDSIndex
    /// Columns of the first shard (every shard of one folder has the same).
    public let columns: [MDSColumn]
    /// First sample number of each shard, plus the total at the end.
    private let shardStarts: [Int]
    /// Decompressed shards kept, most recently used last.
    private var cached: [(shard: Int, file: ShardFile)] = []
    /// How many decompressed shards to keep (each up to the shard size limit, 64 MiB by default).
    /// A shuffle buffer that spans several shards needs them all resident, or every draw would
    /// decompress a shard again.
    public var cacheCapacity = 2 {
        didSet { cacheCapacity = max(1, cacheCapacity) }
    }

    public init(directory: String) throws {
        self.directory = directory
        index = try MDSIndex.load(directory: directory)
        guard let first = index.shards.first else {
            throw ShardError(file: directory + "/" + MDSIndex.fileName, message: "lists no shards")
        }
        guard let columns = first.columns() else {
            throw ShardError(file: directory + "/" + MDSIndex.fileName,
                             message: "unsupported column encodings \(first.columnEncodings)")
        }
        self.columns = columns
        var starts = [0]
        for shard in index.shards {
            guard shard.columnNames == first.columnNames, shard.columnEncodings == first.columnEncodings else {
                throw ShardError(file: directory + "/" + shard.storedFile.basename, message: "columns differ from the first shard's")
            }
            // A missing shard is reported now rather than in the middle of an epoch.
            guard FileSystem.exists(directory + "/" + shard.storedFile.basename) else {
                throw ShardError(file: directory + "/" + shard.storedFile.basename,
                                 message: "shard file is missing (listed in \(MDSIndex.fileName))")
            }
            starts.append(starts.last! + shard.samples)
        }
        shardStarts = starts
    }

    public var sampleCount: Int { shardStarts.last! }

    /// The sample numbered `index` across all shards, in stored order.
    public func sample(at index: Int) throws -> ShardSample {
        let values = try values(at: index)
        var named: [String: [Int32]] = [:]
        for (column, columnValues) in zip(columns, values) { named[column.name] = columnValues }
        return ShardSample(columns: named)
    }

    /// Values per column (in `columns` order) of sample `index`.
    public func values(at index: Int) throws -> [[Int32]] {
        guard (0..<sampleCount).contains(index) else {
            throw ShardError(file: directory, sample: index, message: "no such sample (there are \(sampleCount))")
        }
        let shard = shardNumber(of: index)
        let file: ShardFile
        if let slot = cached.lastIndex(where: { $0.shard == shard }) {
            file = cached[slot].file
            if slot != cached.count - 1 { cached.append(cached.remove(at: slot)) }
        } else {
            do {
                file = try ShardFile.load(directory: directory, info: self.index.shards[shard])
            } catch {
                // Name the sample that needed the shard: what the trainer or evaluator was reading.
                throw ShardError(file: error.file, sample: index, message: error.message)
            }
            if cached.count >= cacheCapacity { cached.removeFirst(cached.count - cacheCapacity + 1) }
            cached.append((shard, file))
        }
        return try file.values(at: index - shardStarts[shard])
    }

    /// The shard holding sample `index` (binary search over the starts).
    func shardNumber(of index: Int) -> Int {
        var low = 0
        var high = shardStarts.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if shardStarts[middle] <= index { low = middle } else { high = middle }
        }
        return low
    }

    /// The range of sample numbers stored in `shard`.
    public func samples(inShard shard: Int) -> Range<Int> { shardStarts[shard]..<shardStarts[shard + 1] }
}

/// Column names the packer writes and the trainer reads.
public enum ShardColumns {
    public static let tokens = "tokens"
    public static let lossMask = "loss_mask"
    public static let boundaries = "boundaries"
    public static let chosen = "chosen"
    public static let chosenLossMask = "chosen_loss_mask"
    public static let rejected = "rejected"
    public static let rejectedLossMask = "rejected_loss_mask"
}
