/// The feed-forward activation of PLM (`hidden_act: relu2`): out = relu(inp)^2, elementwise.
package enum SquaredReLU {
    /// out (N, F) = max(inp, 0)^2.
    package static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int, threads: Int) {
        Parallel.forEachChunk(count, threads: threads, minimumChunk: 1 << 14) { _, range in
            for i in range {
                let r = max(inp[i], 0)
                out[i] = r * r
            }
        }
    }

    /// dinp = dout * 2 * max(inp, 0); `dinp` may be `dout` (in place).
    static func backward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                         count: Int, threads: Int) {
        Parallel.forEachChunk(count, threads: threads, minimumChunk: 1 << 14) { _, range in
            for i in range { dinp[i] = dout[i] * 2 * max(inp[i], 0) }
        }
    }
}
