@testable import PLMModel

/// Small shapes and batches for the whole-model tests.
enum TransformerTestSupport {
    /// A model small enough for finite differences over every tensor (debug build).
    static let microConfig = PLMConfig(
        hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, kvLoraRank: 4, qkNopeHeadDim: 4, qkRopeHeadDim: 2,
        vHeadDim: 4, intermediateSize: 16, vocabSize: 11, maxPositionEmbeddings: 16, ropeTheta: 100)

    /// Tokens from a fixed pseudo-random stream; targets are the inputs shifted by one.
    static func batch(batchSize: Int, sequenceLength: Int, vocab: Int, seed: UInt64, lossMask: [Float]? = nil,
                      documentIndex: [Int32]? = nil) -> TokenBatch {
        let count = batchSize * sequenceLength
        let stream = GradientCheck.randomValues(count + batchSize, seed: seed).map {
            Int32(min(vocab - 1, Int(($0 + 1) / 2 * Float(vocab))))
        }
        var inputs: [Int32] = [], targets: [Int32] = []
        for b in 0..<batchSize {
            let row = Array(stream[(b * (sequenceLength + 1))..<((b + 1) * (sequenceLength + 1))])
            inputs += row.dropLast()
            targets += row.dropFirst()
        }
        return TokenBatch(batchSize: batchSize, sequenceLength: sequenceLength, inputs: inputs, targets: targets,
                          lossMask: lossMask, documentIndex: documentIndex)
    }

    /// Replaces the seeded parameters with larger random values (and norm weights near 1) so that every
    /// gradient is well above fp32 finite-difference noise.
    static func spreadParameters(_ model: PLMTransformer, seed: UInt64) {
        let values = GradientCheck.randomValues(model.layout.totalCount, seed: seed)
        for tensor in model.layout.tensors {
            for i in tensor.offset..<(tensor.offset + tensor.count) {
                model.parameters[i] = tensor.isNorm ? 1 + 0.3 * values[i] : 0.5 * values[i]
            }
        }
    }
}
