import CorpusIO

/// Where a `ShardBatchIterator` stands: save it with a checkpoint, pass it back to resume with the
/// very next sample.
public struct ShardIteratorPosition: Sendable, Codable, Equatable {
    public var seed: UInt64
    public var shuffleBuffer: Int
    public var epoch: Int
    /// Samples already delivered in this epoch.
    public var cursor: Int

    public init(seed: UInt64, shuffleBuffer: Int, epoch: Int = 0, cursor: Int = 0) {
        self.seed = seed
        self.shuffleBuffer = shuffleBuffer
        self.epoch = epoch
        self.cursor = cursor
    }
}

/// Endless, epoch after epoch, deterministic sample order over a shard folder: per epoch the shards
/// are visited in a seeded order and grouped into blocks of at least `shuffleBuffer` samples, each
/// block shuffled whole. Only one block's shards are needed at a time, so each shard is
/// decompressed once per epoch while the order mixes across neighbouring shards. The order is a
/// pure function of (seed, buffer, epoch), so a position of (epoch, cursor) resumes exactly.
public final class ShardBatchIterator {
    public let reader: ShardReader
    public private(set) var position: ShardIteratorPosition
    private var order: [Int] = []

    public init(reader: ShardReader, seed: UInt64, shuffleBuffer: Int = 1 << 14) throws {
        guard reader.sampleCount > 0 else {
            throw ShardError(file: reader.directory, message: "holds no samples to iterate over")
        }
        self.reader = reader
        position = ShardIteratorPosition(seed: seed, shuffleBuffer: max(1, shuffleBuffer))
        // A block spans at most buffer / smallest shard + 1 shards: keep them all decompressed.
        let smallest = max(1, reader.index.shards.map(\.samples).filter { $0 > 0 }.min() ?? 1)
        reader.cacheCapacity = max(reader.cacheCapacity, min(reader.index.shards.count, position.shuffleBuffer / smallest + 2))
        order = Self.order(reader: reader, position: position)
    }

    /// Resumes at a saved position (same folder, seed and buffer as when it was saved).
    public convenience init(reader: ShardReader, resumingAt saved: ShardIteratorPosition) throws {
        try self.init(reader: reader, seed: saved.seed, shuffleBuffer: saved.shuffleBuffer)
        guard (0...reader.sampleCount).contains(saved.cursor), saved.epoch >= 0 else {
            throw ShardError(file: reader.directory, message: "position \(saved.epoch):\(saved.cursor) does not fit "
                + "\(reader.sampleCount) samples; were the shards rewritten?")
        }
        position = saved
        order = Self.order(reader: reader, position: position)
    }

    /// The next sample; a new epoch starts with a fresh order after the last.
    public func next() throws -> ShardSample {
        if position.cursor == order.count {
            position.epoch += 1
            position.cursor = 0
            order = Self.order(reader: reader, position: position)
        }
        let sample = try reader.sample(at: order[position.cursor])
        position.cursor += 1
        return sample
    }

    public func nextBatch(_ size: Int) throws -> [ShardSample] { try (0..<size).map { _ in try next() } }

    /// Sample numbers of one epoch, in delivery order.
    static func order(reader: ShardReader, position: ShardIteratorPosition) -> [Int] {
        var random = SeededRandom(seed: SeededRandom.mix(position.seed) ^ UInt64(position.epoch))
        var shards = Array(0..<reader.index.shards.count)
        random.shuffle(&shards)
        var result: [Int] = []
        result.reserveCapacity(reader.sampleCount)
        var block: [Int] = []
        for shard in shards {
            block += reader.samples(inShard: shard)
            if block.count >= position.shuffleBuffer {
                random.shuffle(&block)
                result += block
                block.removeAll(keepingCapacity: true)
            }
        }
        random.shuffle(&block)
        result += block
        return result
    }
}
