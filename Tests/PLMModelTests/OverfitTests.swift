import Foundation
import Testing
@testable import PLMModel

/// The model can memorise one fixed batch: a plain Adam loop drives the mean loss below 0.1.
@Suite struct OverfitTests {
    @Test func lossFallsBelowATenthOnOneBatch() {
        let config = PLMConfig(hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, kvLoraRank: 16,
                               qkNopeHeadDim: 8, qkRopeHeadDim: 4, vHeadDim: 8, intermediateSize: 64, vocabSize: 32,
                               maxPositionEmbeddings: 64)
        let model = PLMTransformer(config: config, seed: 1, options: ModelOptions(threads: 2))
        let batch = TransformerTestSupport.batch(batchSize: 2, sequenceLength: 16, vocab: 32, seed: 2)
        let count = model.layout.totalCount
        var m = [Float](repeating: 0, count: count), v = m
        let rate: Float = 1e-2, beta1: Float = 0.9, beta2: Float = 0.999
        var first = 0.0, last = Double.infinity
        for step in 1...400 {
            model.zeroGradients()
            let (sum, tokens) = model.forwardBackward(batch, gradientScale: 1 / Float(batch.countedTargets))
            last = sum / Double(tokens)
            if step == 1 { first = last }
            if last < 0.1 { break }
            let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
            for i in 0..<count {
                let g = model.gradients[i]
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                model.parameters[i] -= rate * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
            }
        }
        #expect(first > 3)          // starts near log(32) = 3.47
        #expect(last < 0.1, "final mean loss \(last)")
    }
}
