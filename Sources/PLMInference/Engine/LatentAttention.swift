import PLMModel

/// Multi-head Latent Attention over the latent cache, in the absorbed form. For head h, with W_k(h)
/// (nope, K) and W_v(h) (v, K) the key and value rows of kv_b_proj:
///   score(i, j) = q_nope(i) . (W_k c_j) + q_pe(i) . k_pe(j) = [q_nope(i) W_k; q_pe(i)] . [c_j; k_pe(j)]
///   out(i)      = sum_j p(i, j) W_v c_j = W_v (sum_j p(i, j) c_j)
/// so each query is moved into latent space once (K + R floats per head), every cached row [c_j; k_pe(j)]
/// is read as it is, and W_v is applied once per query after the weighted sum. All heads of a block of
/// query rows share one product with the cache: it is read once per block, not once per head.
enum LatentAttention {
    struct Shape {
        var heads: Int, nope: Int, rope: Int, value: Int, kvLora: Int
        var qWidth: Int { heads * (nope + rope) }
        var latentWidth: Int { kvLora + rope }      // A: a cache row
        var kvbHeadRows: Int { nope + value }
        var outWidth: Int { heads * value }
        var scale: Float { 1 / Float(nope + rope).squareRoot() }
    }

    /// Cache bytes (of one layer's visible rows) up to which each head reads the rows itself.
    static let defaultPerHeadCacheBytes = 256 << 10

    /// Whether T new rows against `keys` cached rows cost fewer multiply-adds by expanding every cached
    /// row's keys and values (keys x K x H*(nope+v)) and attending with nope+rope and v per query and key,
    /// than by attending in latent space (K+R for the score, K for the weighted sum). The products that
    /// move queries in and out of latent space cost about what expanding the new rows would, so they
    /// cancel out. A fresh prompt is always cheaper expanded; one new token never is.
    static func expandingIsCheaper(rows t: Int, keys: Int, shape s: Shape) -> Bool {
        let expand = keys * s.kvLora * s.heads * s.kvbHeadRows
        let expandedAttention = s.heads * t * keys * (s.nope + s.rope + s.value)
        let latentAttention = s.heads * t * keys * (2 * s.kvLora + s.rope)
        return t > 1 && expand + expandedAttention < latentAttention + t * s.kvLora * s.heads * s.kvbHeadRows
    }

    /// out (T, H*v) for the T query rows in q (T, H*(nope+rope)), the newest T of `keys` cached rows
    /// (the cache already holds them). `kvbFloats` is kv_b_proj as floats (required when T > 1).
    static func forward(out: UnsafeMutablePointer<Float>, q: UnsafePointer<Float>, rows t: Int,
                        cache: UnsafePointer<Float>, keys: Int, kvb: WeightMatrix,
                        kvbFloats: UnsafePointer<Float>?, shape s: Shape, scratch: EngineScratch, threads: Int,
                        perHeadCacheBytes: Int = defaultPerHeadCacheBytes) {
        let a = s.latentWidth, k = s.kvLora, offset = keys - t
        let queryLatent = scratch[.queryLatent], scores = scratch[.scores], outputLatent = scratch[.outputLatent]
        // Work per head or per row is handed to the kernels' spinning pool: decoding calls this once per
        // layer and token, and waking Dispatch's workers would cost more than the work.
        let pool = KernelWorkers.shared(threads: threads)
        for r0 in stride(from: 0, to: t, by: scratch.blockRows) {
            let r1 = min(t, r0 + scratch.blockRows), rows = r1 - r0, visible = offset + r1
            // Queries into latent space, head by head: (H, rows, A).
            pool.run(tasks: s.heads) { h in
                do {
                    let qNope = q + r0 * s.qWidth + h * (s.nope + s.rope)
                    let latent = queryLatent + h * rows * a
                    let keyRows = h * s.kvbHeadRows
                    if let kvbFloats {
                        BLAS.sgemm(transposeA: false, transposeB: false, m: rows, n: k, k: s.nope, a: qNope,
                                   lda: s.qWidth, b: kvbFloats + keyRows * k, ldb: k, c: latent, ldc: a, threads: 1)
                    } else {
                        precondition(rows == 1, "prompt rows need kv_b_proj as floats")
                        latent.update(repeating: 0, count: k)
                        MatVec.accumulateRows(kvb, rows: keyRows..<(keyRows + s.nope), coefficients: qNope,
                                              into: latent)
                    }
                    for i in 0..<rows {
                        (latent + i * a + k).update(from: qNope + i * s.qWidth + s.nope, count: s.rope)
                    }
                }
            }
            // Scores of every head and row against every visible cached row: (H * rows, visible), then
            // the probability-weighted latent rows: (H * rows, K). A cache small enough for the core's own
            // cache is read row by row per head (no packing); a larger one once, by sgemm, for all heads.
            let fitsInCore = visible * a * MemoryLayout<Float>.size <= perHeadCacheBytes
            if fitsInCore {
                pool.run(tasks: s.heads * rows) { row in
                    MatVec.dotRows(cache, stride: a, count: visible, width: a, x: queryLatent + row * a,
                                   into: scores + row * visible)
                    VectorKernels.scale(scores + row * visible, visible, by: s.scale)
                }
            } else {
                BLAS.sgemm(transposeA: false, transposeB: true, m: s.heads * rows, n: visible, k: a, alpha: s.scale,
                           a: queryLatent, lda: a, b: cache, ldb: a, c: scores, ldc: visible, threads: threads)
            }
            pool.run(tasks: s.heads * rows) { row in
                let p = scores + row * visible, width = offset + r0 + row % rows + 1
                let m = VectorKernels.maximum(p, width)
                let sum = VectorKernels.expShifted(p, width, shift: m)
                VectorKernels.scale(p, width, by: 1 / sum)
                if width < visible { (p + width).update(repeating: 0, count: visible - width) }
                if fitsInCore {
                    (outputLatent + row * k).update(repeating: 0, count: k)
                    MatVec.axpyRows(cache, stride: a, count: width, width: k, weights: p, into: outputLatent + row * k)
                }
            }
            if !fitsInCore {
                BLAS.sgemm(transposeA: false, transposeB: false, m: s.heads * rows, n: k, k: visible, a: scores,
                           lda: visible, b: cache, ldb: a, c: outputLatent, ldc: k, threads: threads)
            }
            // Back out of latent space through each head's value rows: out[r0..<r1, h*v..<(h+1)*v].
            pool.run(tasks: s.heads) { h in
                do {
                    let valueRows = h * s.kvbHeadRows + s.nope
                    let latent = outputLatent + h * rows * k, target = out + r0 * s.outWidth + h * s.value
                    if let kvbFloats {
                        BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: s.value, k: k, a: latent, lda: k,
                                   b: kvbFloats + valueRows * k, ldb: k, c: target, ldc: s.outWidth, threads: 1)
                    } else {
                        // f32 x even for q8_0 weights: a prompt's pass multiplies these rows by unrounded
                        // latents too (kv_b_proj as floats), so both passes agree.
                        MatVec.multiply(kvb, x: latent, into: target, rows: valueRows..<(valueRows + s.value),
                                        q8: .floatActivations)
                    }
                }
            }
        }
    }
}
