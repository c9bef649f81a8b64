/// One micro-batch of training data: B sequences of T positions, the layout every layer works in
/// (row b*T + t). Built by the data reader from shard samples of T + 1 tokens (inputs are the first T,
/// targets the last T).
public struct TokenBatch: Sendable, Equatable {
    public var batchSize: Int               // B
    public var sequenceLength: Int          // T
    public var inputs: [Int32]              // (B, T) token ids
    public var targets: [Int32]             // (B, T) next-token ids
    /// (B, T) 1 where the target counts in the loss (SFT: assistant tokens), 0 elsewhere; nil = all count.
    public var lossMask: [Float]?
    /// (B, T) document number of each position within its sequence (non-decreasing from 0); when set and
    /// the model masks across documents, a position attends only to earlier positions of its own document.
    public var documentIndex: [Int32]?

    public init(batchSize: Int, sequenceLength: Int, inputs: [Int32], targets: [Int32], lossMask: [Float]? = nil,
                documentIndex: [Int32]? = nil) {
        precondition(inputs.count == batchSize * sequenceLength && targets.count == inputs.count)
        precondition(lossMask.map { $0.count == inputs.count } ?? true)
        precondition(documentIndex.map { $0.count == inputs.count } ?? true)
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.inputs = inputs
        self.targets = targets
        self.lossMask = lossMask
        self.documentIndex = documentIndex
    }

    /// Positions whose target counts in the loss.
    public var countedTargets: Int {
        guard let lossMask else { return inputs.count }
        return lossMask.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
    }
}
