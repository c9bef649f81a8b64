/// RMSNorm in fp32: out = inp * rstd * weight, rstd = 1 / sqrt(mean(inp^2) + eps), no bias.
/// The input may be a column slice of a wider matrix (`inputStride` floats between rows): the
/// kv_a_layernorm normalises the c_kv part of kv_a_proj's output in place of a copy.
package enum RMSNorm {
    /// out (N, C), rstd (N) = norm of inp (N, C; rows `inputStride` apart).
    package static func forward(out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                        weight: UnsafePointer<Float>, rows n: Int, channels c: Int, inputStride: Int, eps: Float,
                        threads: Int) {
        Parallel.forEachChunk(n, threads: threads, minimumChunk: 16) { _, range in
            for row in range {
                let x = inp + row * inputStride, y = out + row * c
                let meanSquare = VectorKernels.dot(x, x, c) / Float(c)
                let s = 1 / (meanSquare + eps).squareRoot()
                rstd[row] = s
                for i in 0..<c { y[i] = x[i] * s * weight[i] }
            }
        }
    }

    /// dinp += d(out)/d(inp)^T dout and dweight += sum over rows dout * inp * rstd.
    /// With g = dout * weight: dinp = rstd * g - inp * rstd^3 * mean(g * inp).
    static func backward(dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                         dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         rstd: UnsafePointer<Float>, rows n: Int, channels c: Int, inputStride: Int, threads: Int) {
        let ranges = Parallel.chunks(n, threads: threads, minimumChunk: 16)
        // One partial dweight per chunk, added in chunk order for a deterministic sum.
        let partials = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, ranges.count) * c)
        defer { partials.deallocate() }
        partials.initialize(repeating: 0)
        let partialBase = partials.baseAddress!
        Parallel.forEachChunk(n, threads: threads, minimumChunk: 16) { chunk, range in
            let dw = partialBase + chunk * c
            let g = UnsafeMutablePointer<Float>.allocate(capacity: c)
            defer { g.deallocate() }
            for row in range {
                let x = inp + row * inputStride, dy = dout + row * c, dx = dinp + row * inputStride
                let s = rstd[row]
                for i in 0..<c {
                    g[i] = dy[i] * weight[i]
                    dw[i] += dy[i] * x[i] * s
                }
                let meanGX = VectorKernels.dot(g, x, c) / Float(c)
                let k = s * s * s * meanGX
                for i in 0..<c { dx[i] += s * g[i] - x[i] * k }
            }
        }
        for chunk in 0..<ranges.count {
            let dw = partialBase + chunk * c
            for i in 0..<c { dweight[i] += dw[i] }
        }
    }
}
