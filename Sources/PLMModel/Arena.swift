/// The activation arena of one (B, T): every buffer the forward pass keeps for the backward pass,
/// plus the backward pass's scratch, carved by name out of one `NamedArena`. Legend: N = B*T rows, C hidden,
/// L layers, H heads, Q = H*(nope+rope), A = kvLora+rope, K = kvLora, KV = H*(nope+v), Y = H*v,
/// F intermediate, V vocab, R rope, S the rows per logits chunk, W workers.
final class ActivationArena {
    let batch: Int, sequence: Int
    let logitRows: Int          // S: rows of logits materialised at a time
    let floatCount: Int

    // Forward, kept for backward (per layer l at base + l * one layer's size).
    let residual: UnsafeMutablePointer<Float>       // (L+1, N, C) residual stream entering layer l; [L] = output
    let residualMid: UnsafeMutablePointer<Float>    // (L, N, C) after attention's residual add
    let ln1: UnsafeMutablePointer<Float>            // (L, N, C) input_layernorm output
    let ln1Rstd: UnsafeMutablePointer<Float>        // (L, N)
    let q: UnsafeMutablePointer<Float>              // (L, N, Q) per head [q_nope; q_pe], RoPE applied
    let kva: UnsafeMutablePointer<Float>            // (L, N, A) [c_kv raw; k_pe with RoPE]
    let ckv: UnsafeMutablePointer<Float>            // (L, N, K) kv_a_layernorm(c_kv)
    let ckvRstd: UnsafeMutablePointer<Float>        // (L, N)
    let kvb: UnsafeMutablePointer<Float>            // (L, N, KV) per head [k_nope; v]
    let probs: UnsafeMutablePointer<Float>          // (L, B, H, T, T) attention probabilities
    let atty: UnsafeMutablePointer<Float>           // (L, N, Y) attention output before o_proj
    let ln2: UnsafeMutablePointer<Float>            // (L, N, C) post_attention_layernorm output
    let ln2Rstd: UnsafeMutablePointer<Float>        // (L, N)
    let ffnPre: UnsafeMutablePointer<Float>         // (L, N, F) up_proj output
    let ffnAct: UnsafeMutablePointer<Float>         // (L, N, F) relu(up)^2
    let lnf: UnsafeMutablePointer<Float>            // (N, C) model.norm output
    let lnfRstd: UnsafeMutablePointer<Float>        // (N)
    let logits: UnsafeMutablePointer<Float>         // (S, V) one chunk of logits, then dlogits
    let ropeCos: UnsafeMutablePointer<Float>        // (T, R/2)
    let ropeSin: UnsafeMutablePointer<Float>        // (T, R/2)

    // Backward scratch, reused by every layer.
    let dResidual: UnsafeMutablePointer<Float>      // (N, C) gradient of the residual stream
    let dLn: UnsafeMutablePointer<Float>            // (N, C) gradient of a norm's output
    let dq: UnsafeMutablePointer<Float>             // (N, Q)
    let dkva: UnsafeMutablePointer<Float>           // (N, A)
    let dckv: UnsafeMutablePointer<Float>           // (N, K)
    let dkvb: UnsafeMutablePointer<Float>           // (N, KV)
    let datty: UnsafeMutablePointer<Float>          // (N, Y)
    let dffn: UnsafeMutablePointer<Float>           // (N, F) d(act), then d(pre) in place
    let dProbs: UnsafeMutablePointer<Float>         // (W, T, T) one per attention worker
    let dkpeHeads: UnsafeMutablePointer<Float>      // (B, H, T, R) per-head k_pe gradients

    private let arena: NamedArena<Buffer>

    /// Floats per layer of each per-layer buffer.
    let sizes: Sizes
    struct Sizes {
        var nc, n, nq, na, nk, nkv, probs, ny, nf: Int
    }

    /// The arena's regions, by the names of the buffers above.
    enum Buffer: Hashable {
        case residual, residualMid, ln1, ln1Rstd, q, kva, ckv, ckvRstd, kvb, probs, atty, ln2, ln2Rstd
        case ffnPre, ffnAct, lnf, lnfRstd, logits, ropeCos, ropeSin
        case dResidual, dLn, dq, dkva, dckv, dkvb, datty, dffn, dProbs, dkpeHeads
    }

    init(config c: PLMConfig, batch b: Int, sequence t: Int, workers: Int) {
        batch = b
        sequence = t
        let n = b * t, d = c.hiddenSize, l = c.numHiddenLayers, h = c.numAttentionHeads
        let qw = h * c.qkHeadDim, aw = c.kvLoraRank + c.qkRopeHeadDim, kvw = h * (c.qkNopeHeadDim + c.vHeadDim)
        let yw = h * c.vHeadDim, f = c.intermediateSize, v = c.vocabSize, r = c.qkRopeHeadDim, k = c.kvLoraRank
        // Logits are produced S rows at a time so a large vocabulary never needs (N, V) floats at once;
        // 2^23 floats (32 MiB) keeps each product large enough for full BLAS speed.
        let logitRows = max(1, min(n, (1 << 23) / max(1, v)))
        self.logitRows = logitRows
        sizes = Sizes(nc: n * d, n: n, nq: n * qw, na: n * aw, nk: n * k, nkv: n * kvw, probs: b * h * t * t,
                      ny: n * yw, nf: n * f)
        arena = NamedArena([
            (.residual, (l + 1) * n * d), (.residualMid, l * n * d), (.ln1, l * n * d), (.ln1Rstd, l * n),
            (.q, l * n * qw), (.kva, l * n * aw), (.ckv, l * n * k), (.ckvRstd, l * n), (.kvb, l * n * kvw),
            (.probs, l * b * h * t * t), (.atty, l * n * yw), (.ln2, l * n * d), (.ln2Rstd, l * n),
            (.ffnPre, l * n * f), (.ffnAct, l * n * f), (.lnf, n * d), (.lnfRstd, n), (.logits, logitRows * v),
            (.ropeCos, t * r / 2), (.ropeSin, t * r / 2),
            (.dResidual, n * d), (.dLn, n * d), (.dq, n * qw), (.dkva, n * aw), (.dckv, n * k), (.dkvb, n * kvw),
            (.datty, n * yw), (.dffn, n * f), (.dProbs, workers * t * t), (.dkpeHeads, n * h * r),
        ])
        floatCount = arena.floatCount
        residual = arena[.residual]; residualMid = arena[.residualMid]; ln1 = arena[.ln1]; ln1Rstd = arena[.ln1Rstd]
        q = arena[.q]; kva = arena[.kva]; ckv = arena[.ckv]; ckvRstd = arena[.ckvRstd]; kvb = arena[.kvb]
        probs = arena[.probs]; atty = arena[.atty]; ln2 = arena[.ln2]; ln2Rstd = arena[.ln2Rstd]
        ffnPre = arena[.ffnPre]; ffnAct = arena[.ffnAct]; lnf = arena[.lnf]; lnfRstd = arena[.lnfRstd]
        logits = arena[.logits]; ropeCos = arena[.ropeCos]; ropeSin = arena[.ropeSin]
        dResidual = arena[.dResidual]; dLn = arena[.dLn]; dq = arena[.dq]; dkva = arena[.dkva]; dckv = arena[.dckv]
        dkvb = arena[.dkvb]; datty = arena[.datty]; dffn = arena[.dffn]; dProbs = arena[.dProbs]
        dkpeHeads = arena[.dkpeHeads]
        RoPE.tables(cos: ropeCos, sin: ropeSin, positions: 0..<t, ropeDim: r, theta: c.ropeTheta)
    }

    var bytes: Int { floatCount * MemoryLayout<Float>.size }
}
