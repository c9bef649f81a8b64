/// Where the trainer's micro-batches come from. The shard reader, the in-memory token stream below
/// and the synthetic source used by tests all conform. `position` is opaque to the trainer: it is
/// saved in `trainer_state.json` and handed back on resume, so a resumed run reads exactly the
/// batches an uninterrupted one would have.
public protocol BatchSource {
    associatedtype Position: Codable & Sendable & Equatable
    /// The next micro-batch of `batchSize` x `sequenceLength` positions.
    mutating func next(batchSize: Int, sequenceLength: Int) throws -> TokenBatch
    /// Where the next call to `next` starts.
    var position: Position { get }
    /// Continues from a position saved earlier.
    mutating func seek(to position: Position) throws
    /// The largest token id the source can produce, when known (checked against the model's vocab).
    var maximumTokenId: Int32? { get }
}

/// A problem with training data: an empty source, ids outside the vocabulary, a bad saved position.
public struct BatchSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A token stream in memory, cut into samples of T + 1 tokens with stride T (each sample's last
/// token is the next one's first, so every token is a target exactly once per epoch), wrapping
/// around at the end. Optional document boundaries (`documentStarts`) fill `documentIndex`.
public struct TokenStreamSource: BatchSource {
    public struct Position: Codable, Sendable, Equatable {
        /// Offset in the stream of the next sample's first token.
        public var offset: Int
        /// Completed passes over the stream.
        public var epoch: Int
    }

    public let tokens: [Int32]
    public private(set) var position = Position(offset: 0, epoch: 0)
    public let maximumTokenId: Int32?
    /// Sorted offsets where documents begin; empty when the stream is one document.
    public let documentStarts: [Int]

    public init(tokens: [Int32], documentStarts: [Int] = []) throws(BatchSourceError) {
        guard tokens.count >= 2 else {
            throw BatchSourceError("the token stream has \(tokens.count) tokens; training needs at least 2")
        }
        self.tokens = tokens
        self.documentStarts = documentStarts.sorted()
        maximumTokenId = tokens.max()
    }

    public mutating func next(batchSize: Int, sequenceLength: Int) throws -> TokenBatch {
        let t = sequenceLength
        var inputs = [Int32](), targets = [Int32](), documents = [Int32]()
        inputs.reserveCapacity(batchSize * t)
        targets.reserveCapacity(batchSize * t)
        for _ in 0..<batchSize {
            if position.offset + t + 1 > tokens.count {
                position = Position(offset: 0, epoch: position.epoch + 1)
            }
            let start = position.offset
            if start + t + 1 > tokens.count {
                throw BatchSourceError("the token stream (\(tokens.count) tokens) is shorter than one sample of \(t + 1)")
            }
            inputs.append(contentsOf: tokens[start..<start + t])
            targets.append(contentsOf: tokens[start + 1...start + t])
            if !documentStarts.isEmpty {
                // Documents are numbered from 0 within the sample; a new one starts at each boundary.
                var document: Int32 = 0
                for i in 0..<t {
                    if i > 0, isDocumentStart(start + i) { document += 1 }
                    documents.append(document)
                }
            }
            position.offset += t
        }
        return TokenBatch(batchSize: batchSize, sequenceLength: t, inputs: inputs, targets: targets,
                          documentIndex: documentStarts.isEmpty ? nil : documents)
    }

    public mutating func seek(to position: Position) throws {
        guard position.offset >= 0, position.offset < tokens.count, position.epoch >= 0 else {
            throw BatchSourceError("saved data position \(position.offset) is outside the \(tokens.count)-token stream")
        }
        self.position = position
    }

    private func isDocumentStart(_ offset: Int) -> Bool {
        var low = 0, high = documentStarts.count
        while low < high {
            let mid = (low + high) / 2
            if documentStarts[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low < documentStarts.count && documentStarts[low] == offset
    }
}

/// Random tokens from a seeded generator (tests and speed runs): the same seed and position give
/// the same batches.
public struct SyntheticSource: BatchSource {
    public struct Position: Codable, Sendable, Equatable {
        public var batches: Int
    }

    public let vocabSize: Int
    public let seed: UInt64
    public private(set) var position = Position(batches: 0)
    public var maximumTokenId: Int32? { Int32(vocabSize - 1) }

    public init(vocabSize: Int, seed: UInt64) {
        precondition(vocabSize >= 1)
        self.vocabSize = vocabSize
        self.seed = seed
    }

    public mutating func next(batchSize: Int, sequenceLength: Int) throws -> TokenBatch {
        // Mixed with a multiplier unlike the generator's increment: seeding with seed + n * increment
        // would make batch n the stream of batch 0 shifted by n, repeating tokens across batches.
        var generator = SyntheticTokenGenerator(seed: seed ^ (UInt64(position.batches) &* 0xD1B5_4A32_D192_ED03))
        let tokens = (0..<batchSize * (sequenceLength + 1)).map { _ in Int32(generator.next() % UInt64(vocabSize)) }
        var inputs = [Int32](), targets = [Int32]()
        for b in 0..<batchSize {
            let row = tokens[b * (sequenceLength + 1)..<(b + 1) * (sequenceLength + 1)]
            inputs.append(contentsOf: row.dropLast())
            targets.append(contentsOf: row.dropFirst())
        }
        position.batches += 1
        return TokenBatch(batchSize: batchSize, sequenceLength: sequenceLength, inputs: inputs, targets: targets)
    }

    public mutating func seek(to position: Position) throws { self.position = position }
}

/// SplitMix64: a small, fast generator whose whole state is one UInt64.
private struct SyntheticTokenGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
