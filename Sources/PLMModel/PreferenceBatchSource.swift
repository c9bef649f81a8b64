import Shards

/// Micro-batches of preference pairs from a packed preference folder (`chosen`, `chosen_loss_mask`,
/// `rejected`, `rejected_loss_mask`, each seq_len + 1 long): one batch of 2B rows, the B chosen answers
/// first, then their B rejected answers in the same order, inputs and targets shifted as
/// `ShardBatchSource` shifts them and the masks marking each answer's tokens. The order is the shard
/// iterator's seeded order, and its position is saved in checkpoints, so a resumed phase reads the very
/// next pair.
public struct PreferenceBatchSource {
    private var iterator: ShardBatchIterator
    public let directory: String
    /// Tokens per stored sequence (seq_len + 1).
    public let sampleLength: Int

    public init(directory: String, seed: UInt64, shuffleBuffer: Int = 1 << 14) throws {
        let reader = try ShardReader(directory: directory)
        let names = Set(reader.columns.map(\.name))
        let needed = [ShardColumns.chosen, ShardColumns.chosenLossMask, ShardColumns.rejected, ShardColumns.rejectedLossMask]
        guard needed.allSatisfy(names.contains) else {
            throw BatchSourceError("\(directory) holds no preference pairs (columns \(needed.joined(separator: ", ")) "
                + "expected; found \(names.sorted().joined(separator: ", "))): pack a phase of kind preference")
        }
        guard reader.sampleCount > 0 else { throw BatchSourceError("\(directory) holds no pairs") }
        iterator = try ShardBatchIterator(reader: reader, seed: seed, shuffleBuffer: shuffleBuffer)
        self.directory = directory
        sampleLength = try reader.sample(at: 0).tokens.count
    }

    public var position: ShardIteratorPosition { iterator.position }

    public mutating func seek(to position: ShardIteratorPosition) throws {
        iterator = try ShardBatchIterator(reader: iterator.reader, resumingAt: position)
    }

    /// The next `pairs` pairs as one batch of 2 * pairs rows (chosen rows, then rejected rows).
    public mutating func next(pairs: Int, sequenceLength t: Int) throws -> TokenBatch {
        guard t + 1 <= sampleLength else {
            throw BatchSourceError("\(directory) holds pairs of \(sampleLength) tokens; a sequence length of \(t) needs \(t + 1)")
        }
        var chosen: [[Int32]] = [], chosenMask: [[Int32]] = [], rejected: [[Int32]] = [], rejectedMask: [[Int32]] = []
        for _ in 0..<pairs {
            let sample = try iterator.next()
            chosen.append(sample.columns[ShardColumns.chosen]!)
            chosenMask.append(sample.columns[ShardColumns.chosenLossMask]!)
            rejected.append(sample.columns[ShardColumns.rejected]!)
            rejectedMask.append(sample.columns[ShardColumns.rejectedLossMask]!)
        }
        var inputs: [Int32] = [], targets: [Int32] = [], mask: [Float] = []
        for (tokens, weights) in zip(chosen + rejected, chosenMask + rejectedMask) {
            inputs += tokens[0..<t]
            targets += tokens[1...t]
            mask += weights[1...t].map { Float($0) }
        }
        return TokenBatch(batchSize: 2 * pairs, sequenceLength: t, inputs: inputs, targets: targets, lossMask: mask)
    }
}
