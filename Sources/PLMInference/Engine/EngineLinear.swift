import PLMModel

/// A bias-free linear layer over weights of any stored type: out (T, O) = inp (T, I) * W^T, W (O, I).
/// One row (decoding a token) runs the matrix-vector kernels, which read each weight once; several
/// rows (a prompt) run sgemm: f32 weights straight from memory through the trainer's `Linear`, other
/// types a tile of rows at a time, decoded to floats first. With q8_0 weights, when the one-row kernels
/// quantize x (`Q8Method`), the rows of a prompt are rounded through q8_0 the same way before the
/// product, so a prompt sees what decoding sees (and what llama.cpp computes for q8_0 in both).
enum EngineLinear {
    /// `scratch` holds at least `scratchFloats(weight:)` floats; `quantized` (T x columns) receives the
    /// q8_0-rounded rows when they are needed.
    static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight w: WeightMatrix,
                        rows t: Int, accumulate: Bool, scratch: UnsafeMutablePointer<Float>,
                        quantized: UnsafeMutablePointer<Float>, threads: Int) {
        if t == 1 {
            if accumulate {
                MatVec.multiply(w, x: inp, into: scratch, threads: threads)
                for i in 0..<w.rows { out[i] += scratch[i] }
            } else {
                MatVec.multiply(w, x: inp, into: out, threads: threads)
            }
            return
        }
        if w.type == .f32 {
            Linear.forward(out: out, inp: inp, weight: w.data.assumingMemoryBound(to: Float.self), rows: t,
                           inputs: w.columns, outputs: w.rows, accumulate: accumulate, threads: threads)
            return
        }
        var input = inp
        if w.type == .q8_0, Q8Method.preferred(MatVecLevel.active) == .quantizedActivations {
            roundThroughQ8(inp, rows: t, columns: w.columns, into: quantized, threads: threads)
            input = UnsafePointer(quantized)
        }
        let tileRows = tileRows(w)
        for r0 in stride(from: 0, to: w.rows, by: tileRows) {
            let r1 = min(w.rows, r0 + tileRows)
            decodeRows(w, r0..<r1, into: scratch, threads: threads)
            BLAS.sgemm(transposeA: false, transposeB: true, m: t, n: r1 - r0, k: w.columns, a: input, lda: w.columns,
                       b: scratch, ldb: w.columns, beta: accumulate ? 1 : 0, c: out + r0, ldc: w.rows,
                       threads: threads)
        }
    }

    /// Each row of x encoded to q8_0 and decoded back (ggml's rule, `WeightConversion`).
    static func roundThroughQ8(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into y: UnsafeMutablePointer<Float>,
                               threads: Int) {
        Parallel.forEachChunk(rows, threads: threads, minimumChunk: 8) { _, range in
            withUnsafeTemporaryAllocation(byteCount: Q8_0.blockBytes, alignment: 2) { block in
                for row in range {
                    for start in stride(from: row * columns, to: (row + 1) * columns, by: Q8_0.blockValues) {
                        WeightConversion.encode(x + start, count: Q8_0.blockValues, as: .q8_0, into: block.baseAddress!)
                        WeightConversion.decode(UnsafeRawPointer(block.baseAddress!), count: Q8_0.blockValues,
                                                as: .q8_0, into: y + start)
                    }
                }
            }
        }
    }

    /// Rows `range` of w as floats (range.count x columns), split over workers.
    static func decodeRows(_ w: WeightMatrix, _ range: Range<Int>, into destination: UnsafeMutablePointer<Float>,
                           threads: Int) {
        Parallel.forEachChunk(range.count, threads: threads, minimumChunk: 16) { _, chunk in
            MatVec.decodeRows(w, (range.lowerBound + chunk.lowerBound)..<(range.lowerBound + chunk.upperBound),
                              into: destination + chunk.lowerBound * w.columns)
        }
    }

    /// Floats of scratch `forward` needs for this weight: one output row (T = 1 with accumulation) or
    /// one decoded tile.
    static func scratchFloats(_ w: WeightMatrix) -> Int { max(w.rows, tileRows(w) * w.columns) }

    /// Rows decoded per tile: about 2^20 floats (4 MiB, cache-sized) but at least 64 rows.
    static func tileRows(_ w: WeightMatrix) -> Int { min(w.rows, max(64, (1 << 20) / max(1, w.columns))) }
}
