import Foundation
import Testing
@testable import PLMModel

@Suite struct AdamWTests {
    /// PyTorch's AdamW written out in Double for one element.
    struct Reference {
        var p: Double, m = 0.0, v = 0.0
        mutating func step(_ t: Int, grad: Double, lr: Double, decay: Double, s: AdamWSettings) {
            p -= lr * decay * p
            m = s.beta1 * m + (1 - s.beta1) * grad
            v = s.beta2 * v + (1 - s.beta2) * grad * grad
            let mHat = m / (1 - Foundation.pow(s.beta1, Double(t)))
            let vHat = v / (1 - Foundation.pow(s.beta2, Double(t)))
            p -= lr * mHat / (vHat.squareRoot() + s.epsilon)
        }
    }

    @Test func matchesTheReferenceAndSkipsDecayOnNorms() {
        let layout = ParameterLayout(config: fileTestConfig)
        let settings = AdamWSettings(beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1, gradientClip: 0)
        let optimizer = AdamW(layout: layout, settings: settings)
        let parameters = UnsafeMutableBufferPointer<Float>.allocate(capacity: layout.totalCount)
        let gradients = UnsafeMutableBufferPointer<Float>.allocate(capacity: layout.totalCount)
        defer { parameters.deallocate(); gradients.deallocate() }
        for i in 0..<layout.totalCount { parameters[i] = Float(sin(Double(i))) }
        var reference = (0..<layout.totalCount).map { Reference(p: Double(parameters[$0])) }
        let isNorm = layout.tensors.flatMap { tensor in [Bool](repeating: tensor.isNorm, count: tensor.count) }
        for t in 1...5 {
            for i in 0..<layout.totalCount { gradients[i] = Float(cos(Double(i * t))) * 0.01 }
            let lr = 1e-2 / Double(t)
            optimizer.update(parameters: parameters, gradients: gradients, learningRate: lr)
            for i in 0..<layout.totalCount {
                reference[i].step(t, grad: Double(gradients[i]), lr: lr, decay: isNorm[i] ? 0 : 0.1, s: settings)
            }
        }
        #expect(optimizer.step == 5)
        let worst = (0..<layout.totalCount).map { abs(Double(parameters[$0]) - reference[$0].p) }.max()!
        #expect(worst < 1e-6)
        // A norm weight with zero gradient keeps its value exactly (no decay); a matrix weight shrinks.
        let normIndex = layout.tensor(named: "model.norm.weight")!.offset
        let matrixIndex = layout.tensor(named: "model.layers.0.mlp.up_proj.weight")!.offset + 3
        for i in 0..<layout.totalCount { gradients[i] = 0 }
        let (normBefore, matrixBefore) = (parameters[normIndex], parameters[matrixIndex])
        let fresh = AdamW(layout: layout, settings: settings)
        fresh.update(parameters: parameters, gradients: gradients, learningRate: 0.5)
        #expect(parameters[normIndex] == normBefore)
        #expect(abs(parameters[matrixIndex] - matrixBefore * 0.95) < 1e-7)
    }

    @Test func normAndClipping() {
        var values = [Float](repeating: 0, count: 300_000)
        values[7] = 3
        values[250_000] = 4
        let norm = values.withUnsafeMutableBufferPointer { AdamW.norm($0) }
        #expect(norm == 5)
        let optimizer = AdamW(layout: ParameterLayout(config: fileTestConfig), settings: .init(gradientClip: 1))
        #expect(abs(optimizer.clipScale(gradientNorm: 5) - 0.2) < 1e-6)
        #expect(optimizer.clipScale(gradientNorm: 0.5) == 1)
    }
}
