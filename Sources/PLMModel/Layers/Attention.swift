/// The attention core of Multi-head Latent Attention, per (sequence b, head h), after the projections:
/// scores = [q_nope; q_pe] . [k_nope; k_pe] / sqrt(nope + rope), a causal softmax (optionally limited
/// to the query's own document), then probs * v. Keys and values are read in place from the
/// projections' outputs (strided sgemm), so nothing is copied:
///   q   (N, H*(nope+rope))     per head [q_nope; q_pe], RoPE applied
///   kva (N, kvLora+rope)       [c_kv; k_pe], k_pe (RoPE applied) shared by every head
///   kvb (N, H*(nope+v))        per head [k_nope; v]
/// Work is spread over (b, h) pairs, each on one worker with single-threaded BLAS.
///
/// The forward pass also serves the inference engine's expanded-cache path: there the T query rows are
/// the newest positions of a sequence whose TK >= T keys (the cached ones first) sit in `kva` / `kvb`.
package enum Attention {
    package struct Shape {
        var batch: Int              // B
        var sequence: Int           // T: query rows per sequence
        /// TK: key rows per sequence; query row i sits at key position TK - T + i. Equal to T in training.
        var keys: Int
        var heads: Int              // H
        var nope: Int
        var rope: Int
        var value: Int              // v
        var kvLora: Int
        /// Query rows per block of the causal products (each block multiplies only keys up to its end).
        var blockRows: Int

        package init(batch: Int, sequence: Int, keys: Int? = nil, heads: Int, nope: Int, rope: Int, value: Int,
                     kvLora: Int, blockRows: Int = 64) {
            self.batch = batch
            self.sequence = sequence
            self.keys = keys ?? sequence
            self.heads = heads
            self.nope = nope
            self.rope = rope
            self.value = value
            self.kvLora = kvLora
            self.blockRows = blockRows
        }

        var qWidth: Int { heads * (nope + rope) }
        var kvaWidth: Int { kvLora + rope }
        var kvbWidth: Int { heads * (nope + value) }
        var outWidth: Int { heads * value }
        var scale: Float { 1 / Float(nope + rope).squareRoot() }
    }

    /// out (N, H*v) and probs (B, H, T, TK) (zero outside each row's allowed keys).
    /// `rowStart` (N): the first key position row n may attend to (0, or its document's start).
    /// q holds B*T rows; kva and kvb hold B*TK rows.
    package static func forward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                                q: UnsafePointer<Float>, kva: UnsafePointer<Float>, kvb: UnsafePointer<Float>,
                                rowStart: UnsafePointer<Int32>, shape s: Shape, threads: Int) {
        let t = s.sequence, tk = s.keys, offset = s.keys - s.sequence
        precondition(offset >= 0, "fewer keys than queries")
        forEachHead(s, threads: threads) { b, h, _ in
            let qh = q + b * t * s.qWidth + h * (s.nope + s.rope)
            let kNope = kvb + b * tk * s.kvbWidth + h * (s.nope + s.value)
            let kPe = kva + b * tk * s.kvaWidth + s.kvLora
            let v = kNope + s.nope
            let p = probs + (b * s.heads + h) * t * tk
            let outh = out + b * t * s.outWidth + h * s.value
            // Query rows in blocks: block [r0, r1) needs keys [0, offset + r1) only (causal), so the
            // products skip most of the masked upper triangle.
            for r0 in stride(from: 0, to: t, by: s.blockRows) {
                let r1 = min(t, r0 + s.blockRows), rows = r1 - r0, visible = offset + r1
                // p[r0..<r1, 0..<visible] = scale * (q_nope k_nope^T + q_pe k_pe^T)
                BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: visible, k: s.nope, alpha: s.scale,
                           a: qh + r0 * s.qWidth, lda: s.qWidth, b: kNope, ldb: s.kvbWidth, beta: 0,
                           c: p + r0 * tk, ldc: tk, threads: 1)
                BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: visible, k: s.rope, alpha: s.scale,
                           a: qh + r0 * s.qWidth + s.nope, lda: s.qWidth, b: kPe, ldb: s.kvaWidth, beta: 1,
                           c: p + r0 * tk, ldc: tk, threads: 1)
                for i in r0..<r1 {
                    let row = p + i * tk, start = Int(rowStart[b * t + i]), last = offset + i
                    let width = last + 1 - start
                    let m = VectorKernels.maximum(row + start, width)
                    let sum = VectorKernels.expShifted(row + start, width, shift: m)
                    VectorKernels.scale(row + start, width, by: 1 / sum)
                    if start > 0 { row.update(repeating: 0, count: start) }
                    if last + 1 < tk { (row + last + 1).update(repeating: 0, count: tk - last - 1) }
                }
                // out_h[r0..<r1] = p[r0..<r1, 0..<visible] v[0..<visible]
                BLAS.sgemm(transposeA: false, transposeB: false, m: rows, n: s.value, k: visible, a: p + r0 * tk,
                           lda: tk, b: v, ldb: s.kvbWidth, beta: 0, c: outh + r0 * s.outWidth, ldc: s.outWidth,
                           threads: 1)
            }
        }
    }

    /// Writes dq (N, H*(nope+rope)) and dkvb (N, H*(nope+v)) and sets dkva's k_pe columns (the sum over
    /// heads); dkva's c_kv columns are left alone. `scratch` holds (threads, T, T) floats, `dkpeHeads`
    /// (B, H, T, rope) floats: per-head k_pe gradients, summed over heads in order afterwards.
    static func backward(dq: UnsafeMutablePointer<Float>, dkva: UnsafeMutablePointer<Float>,
                         dkvb: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, probs: UnsafePointer<Float>,
                         q: UnsafePointer<Float>, kva: UnsafePointer<Float>, kvb: UnsafePointer<Float>,
                         rowStart: UnsafePointer<Int32>, scratch: UnsafeMutablePointer<Float>,
                         dkpeHeads: UnsafeMutablePointer<Float>, shape s: Shape, threads: Int) {
        let t = s.sequence
        precondition(s.keys == s.sequence, "the backward pass is for training, where keys are the queries")
        forEachHead(s, threads: threads) { b, h, worker in
            let qh = q + b * t * s.qWidth + h * (s.nope + s.rope)
            let kNope = kvb + b * t * s.kvbWidth + h * (s.nope + s.value)
            let kPe = kva + b * t * s.kvaWidth + s.kvLora
            let v = kNope + s.nope
            let p = probs + (b * s.heads + h) * t * t
            let dOut = dout + b * t * s.outWidth + h * s.value
            let dqh = dq + b * t * s.qWidth + h * (s.nope + s.rope)
            let dkNope = dkvb + b * t * s.kvbWidth + h * (s.nope + s.value)
            let dp = scratch + worker * t * t
            let dkpe = dkpeHeads + (b * s.heads + h) * t * s.rope
            // Key-side gradients collect from every query block: start them at zero.
            for j in 0..<t { (dkNope + j * s.kvbWidth).update(repeating: 0, count: s.nope + s.value) }
            dkpe.update(repeating: 0, count: t * s.rope)
            for r0 in stride(from: 0, to: t, by: s.blockRows) {
                let r1 = min(t, r0 + s.blockRows), rows = r1 - r0
                let dpBlock = dp + r0 * t, pBlock = p + r0 * t, dOutBlock = dOut + r0 * s.outWidth
                // dp (rows, r1) = dout_h v^T; dv[0..<r1] += p^T dout_h
                BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: r1, k: s.value, a: dOutBlock,
                           lda: s.outWidth, b: v, ldb: s.kvbWidth, beta: 0, c: dpBlock, ldc: t, threads: 1)
                BLAS.sgemm(transposeA: true, transposeB: false, m: r1, n: s.value, k: rows, a: pBlock, lda: t,
                           b: dOutBlock, ldb: s.outWidth, beta: 1, c: dkNope + s.nope, ldc: s.kvbWidth, threads: 1)
                // softmax backward: ds = p * (dp - sum(p * dp)); zero where p is masked.
                for i in r0..<r1 {
                    let prow = p + i * t, drow = dp + i * t, start = Int(rowStart[b * t + i])
                    let width = i + 1 - start
                    let inner = VectorKernels.dot(prow + start, drow + start, width)
                    for j in start...i { drow[j] = prow[j] * (drow[j] - inner) }
                    if start > 0 { drow.update(repeating: 0, count: start) }
                    if i + 1 < r1 { (drow + i + 1).update(repeating: 0, count: r1 - i - 1) }
                }
                // dq = scale * ds [k_nope, k_pe]; dk_nope += scale * ds^T q_nope; dk_pe(h) += scale * ds^T q_pe
                BLAS.sgemm(transposeA: false, transposeB: false, m: rows, n: s.nope, k: r1, alpha: s.scale,
                           a: dpBlock, lda: t, b: kNope, ldb: s.kvbWidth, beta: 0, c: dqh + r0 * s.qWidth,
                           ldc: s.qWidth, threads: 1)
                BLAS.sgemm(transposeA: false, transposeB: false, m: rows, n: s.rope, k: r1, alpha: s.scale,
                           a: dpBlock, lda: t, b: kPe, ldb: s.kvaWidth, beta: 0, c: dqh + r0 * s.qWidth + s.nope,
                           ldc: s.qWidth, threads: 1)
                BLAS.sgemm(transposeA: true, transposeB: false, m: r1, n: s.nope, k: rows, alpha: s.scale,
                           a: dpBlock, lda: t, b: qh + r0 * s.qWidth, ldb: s.qWidth, beta: 1, c: dkNope,
                           ldc: s.kvbWidth, threads: 1)
                BLAS.sgemm(transposeA: true, transposeB: false, m: r1, n: s.rope, k: rows, alpha: s.scale,
                           a: dpBlock, lda: t, b: qh + r0 * s.qWidth + s.nope, ldb: s.qWidth, beta: 1, c: dkpe,
                           ldc: s.rope, threads: 1)
            }
        }
        // dk_pe = sum over heads, in head order.
        Parallel.forEachChunk(s.batch * t, threads: threads, minimumChunk: 16) { _, range in
            for row in range {
                let b = row / t, i = row % t
                let target = dkva + row * s.kvaWidth + s.kvLora
                target.update(repeating: 0, count: s.rope)
                for h in 0..<s.heads {
                    let source = dkpeHeads + ((b * s.heads + h) * t + i) * s.rope
                    for r in 0..<s.rope { target[r] += source[r] }
                }
            }
        }
    }

    /// Runs body(b, h, worker) for every (b, h), spread over workers, each calling single-threaded
    /// sgemm (many small products in parallel beat one multi-threaded product at a time).
    private static func forEachHead(_ s: Shape, threads: Int, _ body: (Int, Int, Int) -> Void) {
        let pairs = s.batch * s.heads
        Parallel.forEachChunk(pairs, threads: threads) { worker, range in
            for pair in range { body(pair / s.heads, pair % s.heads, worker) }
        }
    }
}
