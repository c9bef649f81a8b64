import PLMModel

/// A bias-free linear layer over weights of any stored type: out (T, O) = inp (T, I) * W^T, W (O, I).
/// One row (decoding a token) runs the matrix-vector kernels, which read each weight once; several
/// rows (a prompt) run sgemm: f32 weights straight from memory through the trainer's `Linear`, other
/// types a tile of rows at a time, decoded to floats first.
enum EngineLinear {
    /// `scratch` holds at least `scratchFloats(weight:)` floats.
    static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight w: WeightMatrix,
                        rows t: Int, accumulate: Bool, scratch: UnsafeMutablePointer<Float>, threads: Int) {
        if t == 1 {
            if accumulate {
                EngineMatVec.multiply(w, x: inp, into: scratch, threads: threads)
                for i in 0..<w.rows { out[i] += scratch[i] }
            } else {
                EngineMatVec.multiply(w, x: inp, into: out, threads: threads)
            }
            return
        }
        if w.type == .f32 {
            Linear.forward(out: out, inp: inp, weight: w.data.assumingMemoryBound(to: Float.self), rows: t,
                           inputs: w.columns, outputs: w.rows, accumulate: accumulate, threads: threads)
            return
        }
        let tileRows = tileRows(w)
        for r0 in stride(from: 0, to: w.rows, by: tileRows) {
            let r1 = min(w.rows, r0 + tileRows)
            EngineMatVec.decodeRows(w, r0..<r1, into: scratch, threads: threads)
            BLAS.sgemm(transposeA: false, transposeB: true, m: t, n: r1 - r0, k: w.columns, a: inp, lda: w.columns,
                       b: scratch, ldb: w.columns, beta: accumulate ? 1 : 0, c: out + r0, ldc: w.rows,
                       threads: threads)
        }
    }

    /// Floats of scratch `forward` needs for this weight: one output row (T = 1 with accumulation) or
    /// one decoded tile.
    static func scratchFloats(_ w: WeightMatrix) -> Int { max(w.rows, tileRows(w) * w.columns) }

    /// Rows decoded per tile: about 2^20 floats (4 MiB, cache-sized) but at least 64 rows.
    static func tileRows(_ w: WeightMatrix) -> Int { min(w.rows, max(64, (1 << 20) / max(1, w.columns))) }
}
