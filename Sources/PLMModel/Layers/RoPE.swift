import Foundation

/// Rotary position embedding on interleaved pairs (2i, 2i+1): pair i at position t turns by angle
/// t * theta^(-2i / R). Applied in place to every head's rope slice of a row (q_pe) or to the one
/// shared slice (k_pe). Row n uses table row n mod T: the tables hold the T positions of one sequence,
/// 0..<T when training, the positions after the cached ones when the engine extends a sequence.
package enum RoPE {
    /// cos and sin tables, each (T, R/2) for T = positions.count, computed in Double then rounded.
    package static func tables(cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>, positions: Range<Int>,
                               ropeDim r: Int, theta: Double) {
        let pairs = r / 2
        for (row, position) in positions.enumerated() {
            for i in 0..<pairs {
                let angle = Double(position) * pow(theta, -Double(2 * i) / Double(r))
                cos[row * pairs + i] = Float(Foundation.cos(angle))
                sin[row * pairs + i] = Float(Foundation.sin(angle))
            }
        }
    }

    /// Rotates x in place. x points at the first rope element of row 0 / head 0; rows are `rowStride`
    /// apart, heads `headStride` apart within a row.
    package static func forward(x: UnsafeMutablePointer<Float>, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>,
                        rows n: Int, sequenceLength t: Int, heads: Int, ropeDim r: Int, rowStride: Int,
                        headStride: Int, threads: Int) {
        rotate(x: x, cos: cos, sin: sin, rows: n, sequenceLength: t, heads: heads, ropeDim: r, rowStride: rowStride,
               headStride: headStride, direction: 1, threads: threads)
    }

    /// The rotation is orthogonal, so the gradient turns back by the same angle: dx = R^T dout, in place.
    static func backward(dx: UnsafeMutablePointer<Float>, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>,
                         rows n: Int, sequenceLength t: Int, heads: Int, ropeDim r: Int, rowStride: Int,
                         headStride: Int, threads: Int) {
        rotate(x: dx, cos: cos, sin: sin, rows: n, sequenceLength: t, heads: heads, ropeDim: r, rowStride: rowStride,
               headStride: headStride, direction: -1, threads: threads)
    }

    private static func rotate(x: UnsafeMutablePointer<Float>, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>,
                               rows n: Int, sequenceLength t: Int, heads: Int, ropeDim r: Int, rowStride: Int,
                               headStride: Int, direction: Float, threads: Int) {
        let pairs = r / 2
        Parallel.forEachChunk(n, threads: threads, minimumChunk: 64) { _, range in
            for row in range {
                let c = cos + (row % t) * pairs, s = sin + (row % t) * pairs
                for head in 0..<heads {
                    let v = x + row * rowStride + head * headStride
                    for i in 0..<pairs {
                        let x0 = v[2 * i], x1 = v[2 * i + 1], si = direction * s[i]
                        v[2 * i] = x0 * c[i] - x1 * si
                        v[2 * i + 1] = x0 * si + x1 * c[i]
                    }
                }
            }
        }
    }
}
