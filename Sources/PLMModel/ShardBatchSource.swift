import Shards

/// Micro-batches from a packed shard folder (`plm pack` output, `<root>/pack/<phase>/train`): samples
/// of seq_len + 1 tokens in the shard iterator's seeded order. Inputs are a sample's first T tokens and
/// targets the T after the first; a `loss_mask` column (SFT, best-fit packing) masks the targets, and
/// document `boundaries` become the batch's document index. The position is the iterator's, so a
/// checkpoint resumes with the very next sample.
public struct ShardBatchSource: BatchSource {
    public typealias Position = ShardIteratorPosition

    private var iterator: ShardBatchIterator
    public let directory: String
    /// The largest id the shards' tokenizer can produce (from `phase.json` beside the split), when known.
    public let maximumTokenId: Int32?
    /// Tokens per sample (seq_len + 1).
    public let sampleLength: Int

    public init(directory: String, seed: UInt64, shuffleBuffer: Int = 1 << 14) throws {
        let reader = try ShardReader(directory: directory)
        guard reader.columns.contains(where: { $0.name == ShardColumns.tokens }) else {
            throw BatchSourceError("\(directory) has no '\(ShardColumns.tokens)' column (preference shards need a "
                + "preference trainer); columns: \(reader.columns.map(\.name).joined(separator: ", "))")
        }
        iterator = try ShardBatchIterator(reader: reader, seed: seed, shuffleBuffer: shuffleBuffer)
        self.directory = directory
        sampleLength = try reader.sample(at: 0).tokens.count
        let parent = Self.parentFolder(of: directory)
        maximumTokenId = (try? PhaseReport.load(directory: parent)).map { Int32($0.vocabularySize - 1) }
    }

    public var position: ShardIteratorPosition { iterator.position }

    public mutating func seek(to position: ShardIteratorPosition) throws {
        iterator = try ShardBatchIterator(reader: iterator.reader, resumingAt: position)
    }

    public mutating func next(batchSize: Int, sequenceLength t: Int) throws -> TokenBatch {
        guard t + 1 <= sampleLength else {
            throw BatchSourceError("\(directory) holds samples of \(sampleLength) tokens (seq_len \(sampleLength - 1)); "
                + "a sequence length of \(t) needs \(t + 1): pack with seq_len >= \(t) or train with --seq-len \(sampleLength - 1)")
        }
        var inputs = [Int32](), targets = [Int32](), mask = [Float](), documents = [Int32]()
        var anyMask = false, anyBoundaries = false
        inputs.reserveCapacity(batchSize * t)
        targets.reserveCapacity(batchSize * t)
        for _ in 0..<batchSize {
            let sample = try iterator.next()
            inputs.append(contentsOf: sample.tokens[0..<t])
            targets.append(contentsOf: sample.tokens[1...t])
            if let lossMask = sample.lossMask {
                anyMask = true
                mask.append(contentsOf: lossMask[1...t].map { Float($0) })
            } else {
                mask.append(contentsOf: repeatElement(1, count: t))
            }
            if let boundaries = sample.boundaries, boundaries.count > 1 {
                anyBoundaries = true
                documents.append(contentsOf: Self.documentIndex(boundaries: boundaries, length: t))
            } else {
                documents.append(contentsOf: repeatElement(0, count: t))
            }
        }
        return TokenBatch(batchSize: batchSize, sequenceLength: t, inputs: inputs, targets: targets,
                          lossMask: anyMask ? mask : nil, documentIndex: anyBoundaries ? documents : nil)
    }

    /// Document number of each of the first `length` positions, given sorted document start offsets.
    static func documentIndex(boundaries: [Int32], length: Int) -> [Int32] {
        var result = [Int32](repeating: 0, count: length)
        var document: Int32 = 0, next = 1
        for i in 0..<length {
            while next < boundaries.count, Int(boundaries[next]) <= i {
                document += 1
                next += 1
            }
            result[i] = document
        }
        return result
    }

    /// The folder holding `path` (the phase folder above a split), without Foundation's path bridging.
    static func parentFolder(of path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
