import Foundation
import Testing
@testable import PLMModel

/// The whole model's gradient against central differences of its loss, tensor by tensor.
@Suite struct TransformerGradientTests {
    @Test(arguments: [false, true]) func everyTensorMatchesFiniteDifferences(maskDocuments: Bool) {
        let config = TransformerTestSupport.microConfig
        let model = PLMTransformer(config: config, seed: 1,
                                   options: ModelOptions(maskAcrossDocuments: maskDocuments, threads: 2))
        TransformerTestSupport.spreadParameters(model, seed: 2)
        let t = 5
        let mask: [Float] = [1, 1, 0, 1, 1, 1, 0, 1, 1, 1]
        let documents: [Int32] = [0, 0, 1, 1, 1, 0, 0, 0, 1, 2]
        let batch = TransformerTestSupport.batch(batchSize: 2, sequenceLength: t, vocab: config.vocabSize, seed: 3,
                                                 lossMask: mask, documentIndex: documents)
        model.zeroGradients()
        let scale: Float = 0.7
        let (lossSum, count) = model.forwardBackward(batch, gradientScale: scale)
        #expect(count == 8)
        #expect(abs(lossSum - model.loss(batch).lossSum) < 1e-9)
        let analytic = Array(model.gradients)
        let parameters = model.parameters.baseAddress!
        for tensor in model.layout.tensors {
            // Up to 12 entries spread over the tensor, always including the first and last.
            let picks = Set((0..<min(12, tensor.count)).map { tensor.offset + $0 * (tensor.count - 1) / max(1, min(11, tensor.count - 1)) })
            let indices = picks.sorted()
            let numeric = GradientCheck.numeric(parameters, indices: indices, step: 1e-2) {
                Double(scale) * model.loss(batch).lossSum
            }
            let error = GradientCheck.relativeError(numeric: numeric, analytic: indices.map { Double(analytic[$0]) },
                                                    floor: 1e-2)
            #expect(error < 3e-2, "\(tensor.name): relative error \(error)")
        }
    }

    @Test func gradientsAccumulateAcrossCalls() {
        let model = PLMTransformer(config: TransformerTestSupport.microConfig, seed: 4,
                                   options: ModelOptions(threads: 2))
        let batch = TransformerTestSupport.batch(batchSize: 2, sequenceLength: 6, vocab: 11, seed: 5)
        model.zeroGradients()
        _ = model.forwardBackward(batch, gradientScale: 1)
        let once = Array(model.gradients)
        _ = model.forwardBackward(batch, gradientScale: 1)
        let twice = Array(model.gradients)
        #expect(zip(once, twice).allSatisfy { abs(2 * $0 - $1) <= 1e-6 * max(1, abs($1)) })
        #expect(once.contains { $0 != 0 })
    }

    @Test func sameSeedAndThreadsGiveIdenticalResults() {
        let batch = TransformerTestSupport.batch(batchSize: 3, sequenceLength: 7, vocab: 11, seed: 6)
        func run(seed: UInt64) -> ([Float], [Float], Double) {
            let model = PLMTransformer(config: TransformerTestSupport.microConfig, seed: seed,
                                       options: ModelOptions(threads: 2))
            let loss = model.forwardBackward(batch, gradientScale: 1).lossSum
            return (Array(model.parameters), Array(model.gradients), loss)
        }
        let a = run(seed: 7), b = run(seed: 7), c = run(seed: 8)
        #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2)
        #expect(a.0 != c.0)
    }

    @Test func initialisationFollowsTheRecipe() {
        let model = PLMTransformer(config: .plmTiny, seed: 9, options: ModelOptions(threads: 1))
        for tensor in model.layout.tensors {
            let values = model.parameters[tensor.offset..<(tensor.offset + tensor.count)]
            if tensor.isNorm {
                #expect(values.allSatisfy { $0 == 1 }, "\(tensor.name)")
            } else {
                let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
                let std = (values.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(values.count)).squareRoot()
                #expect(abs(mean) < 2e-3 && abs(std - 0.02) < 2e-3, "\(tensor.name): mean \(mean), std \(std)")
            }
        }
        // A fresh model predicts nearly uniformly: loss per token close to log(vocab).
        let batch = TransformerTestSupport.batch(batchSize: 2, sequenceLength: 16, vocab: 2048, seed: 10)
        let (sum, count) = model.loss(batch)
        #expect(abs(sum / Double(count) - log(2048.0)) < 0.05)
    }
}
