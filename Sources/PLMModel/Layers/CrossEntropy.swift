import Foundation

/// Softmax cross-entropy over the vocabulary with a per-position weight (the loss mask: 1 counts,
/// 0 ignores), fused with its backward: the logits are replaced by d(loss)/d(logits) in place.
package enum CrossEntropy {
    /// For each row n: losses[n] = weight[n] * (logsumexp(logits[n]) - logits[n][target[n]]) (0 when the
    /// weight is 0). When `gradientScale` is non-nil, logits[n] becomes
    /// gradientScale * weight[n] * (softmax(logits[n]) - onehot(target[n])).
    package static func forward(logits: UnsafeMutablePointer<Float>, losses: UnsafeMutablePointer<Double>,
                        targets: UnsafePointer<Int32>, weights: UnsafePointer<Float>?, rows n: Int, vocab v: Int,
                        gradientScale: Float?, threads: Int) {
        Parallel.forEachChunk(n, threads: threads, minimumChunk: 4) { _, range in
            for row in range {
                let x = logits + row * v
                let weight = weights?[row] ?? 1
                if weight == 0 {
                    losses[row] = 0
                    if gradientScale != nil { x.update(repeating: 0, count: v) }
                    continue
                }
                let target = Int(targets[row])
                let targetLogit = x[target]
                let m = VectorKernels.maximum(x, v)
                let sum = VectorKernels.expShifted(x, v, shift: m)
                losses[row] = Double(weight) * (Double(m) + log(Double(sum)) - Double(targetLogit))
                guard let gradientScale else { continue }
                let factor = gradientScale * weight
                VectorKernels.scale(x, v, by: factor / sum)
                x[target] -= factor
            }
        }
    }
}
