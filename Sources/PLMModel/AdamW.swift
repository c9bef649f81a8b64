import Foundation

/// AdamW's hyper-parameters (the learning rate comes from the schedule at each step).
public struct AdamWSettings: Codable, Sendable, Equatable {
    public var beta1: Double = 0.9
    public var beta2: Double = 0.95
    public var epsilon: Double = 1e-8
    /// Decoupled weight decay (multiplied by the step's learning rate), on matrices only: RMSNorm
    /// weights (1-D tensors) are never decayed.
    public var weightDecay: Double = 0.1
    /// Global gradient-norm clipping threshold; 0 or less turns clipping off.
    public var gradientClip: Double = 1.0

    enum CodingKeys: String, CodingKey {
        case beta1, beta2, epsilon, weightDecay = "weight_decay", gradientClip = "gradient_clip"
    }

    public init(beta1: Double = 0.9, beta2: Double = 0.95, epsilon: Double = 1e-8, weightDecay: Double = 0.1,
                gradientClip: Double = 1.0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.gradientClip = gradientClip
    }
}

/// AdamW over the flat parameter arena, as PyTorch's `torch.optim.AdamW` computes it (bias-corrected
/// moments, decay applied to the weights before the Adam step). Both moments are fp32 arenas with
/// the layout's offsets, so they save as safetensors under the parameters' names.
///
/// Work is split into fixed chunks spread over cores; every element's update is independent and
/// the gradient norm is summed per chunk in Double and then in chunk order, so results do not
/// depend on the number of threads.
public final class AdamW {
    public let layout: ParameterLayout
    public var settings: AdamWSettings
    /// Updates taken so far (the t of the bias correction).
    public var step: Int = 0
    public let firstMoment: UnsafeMutableBufferPointer<Float>    // (P) m, layout offsets
    public let secondMoment: UnsafeMutableBufferPointer<Float>   // (P) v, layout offsets
    static let chunk = 1 << 16

    public init(layout: ParameterLayout, settings: AdamWSettings = .init()) {
        self.layout = layout
        self.settings = settings
        firstMoment = .allocate(capacity: layout.totalCount)
        firstMoment.initialize(repeating: 0)
        secondMoment = .allocate(capacity: layout.totalCount)
        secondMoment.initialize(repeating: 0)
    }

    deinit {
        firstMoment.deallocate()
        secondMoment.deallocate()
    }

    /// sqrt(sum of squared gradients) over the whole arena.
    public static func norm(_ values: UnsafeMutableBufferPointer<Float>) -> Double {
        // Each chunk only reads; the buffer outlives the blocking concurrentPerform.
        nonisolated(unsafe) let values = values
        let chunks = (values.count + chunk - 1) / chunk
        var partial = [Double](repeating: 0, count: chunks)
        partial.withUnsafeMutableBufferPointer { sums in
            nonisolated(unsafe) let sums = sums
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                let start = index * chunk, end = min(values.count, start + chunk)
                // Float lanes over a short run, then Double: vectorises and stays accurate.
                var total = 0.0
                var i = start
                while i < end {
                    let stop = min(end, i + 256)
                    var lane: Float = 0
                    while i < stop { lane += values[i] * values[i]; i += 1 }
                    total += Double(lane)
                }
                sums[index] = total
            }
        }
        return partial.reduce(0, +).squareRoot()
    }

    /// The factor gradients are multiplied by so their global norm is at most the clip threshold.
    public func clipScale(gradientNorm: Double) -> Float {
        guard settings.gradientClip > 0, gradientNorm > settings.gradientClip else { return 1 }
        return Float(settings.gradientClip / (gradientNorm + 1e-6))
    }

    /// One AdamW step on `parameters` with `gradients` (clipped by `gradientScale` first) at
    /// `learningRate`.
    public func update(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>,
                       learningRate: Double, gradientScale: Float = 1) {
        precondition(parameters.count == layout.totalCount && gradients.count == layout.totalCount)
        step += 1
        let b1 = Float(settings.beta1), b2 = Float(settings.beta2)
        let correction1 = 1 - pow(settings.beta1, Double(step))
        let correction2 = 1 - pow(settings.beta2, Double(step))
        // p -= lr * m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps), written as PyTorch does:
        // step = lr / c1, denominator = sqrt(v) / sqrt(c2) + eps.
        let stepSize = Float(learningRate / correction1)
        let sqrtCorrection2 = Float(correction2.squareRoot())
        let epsilon = Float(settings.epsilon)
        let decayFactor = Float(1 - learningRate * settings.weightDecay)
        // Chunks touch disjoint ranges of the four arenas, which outlive the blocking concurrentPerform.
        nonisolated(unsafe) let m = firstMoment, v = secondMoment, p = parameters, g = gradients
        // Work items: each decayed tensor range and each norm range, cut into chunks.
        var items: [(range: Range<Int>, decay: Bool)] = []
        for tensor in layout.tensors {
            var start = tensor.offset
            while start < tensor.offset + tensor.count {
                let end = min(tensor.offset + tensor.count, start + Self.chunk)
                items.append((start..<end, !tensor.isNorm))
                start = end
            }
        }
        items.withUnsafeBufferPointer { work in
            nonisolated(unsafe) let work = work
            DispatchQueue.concurrentPerform(iterations: work.count) { index in
                let (range, decay) = work[index]
                let factor = decay ? decayFactor : 1
                for i in range {
                    let grad = g[i] * gradientScale
                    let mi = b1 * m[i] + (1 - b1) * grad
                    let vi = b2 * v[i] + (1 - b2) * grad * grad
                    m[i] = mi
                    v[i] = vi
                    p[i] = p[i] * factor - stepSize * mi / ((vi.squareRoot() / sqrtCorrection2) + epsilon)
                }
            }
        }
    }
}
