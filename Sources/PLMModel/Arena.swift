/// The activation arena of one (B, T): every buffer the forward pass keeps for the backward pass,
/// plus the backward pass's scratch, carved out of one allocation. Legend: N = B*T rows, C hidden,
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

    private let storage: UnsafeMutableBufferPointer<Float>

    /// Floats per layer of each per-layer buffer.
    let sizes: Sizes
    struct Sizes {
        var nc, n, nq, na, nk, nkv, probs, ny, nf: Int
    }

    init(config c: PLMConfig, batch b: Int, sequence t: Int, workers: Int) {
        batch = b
        sequence = t
        let n = b * t, d = c.hiddenSize, l = c.numHiddenLayers, h = c.numAttentionHeads
        let qw = h * c.qkHeadDim, aw = c.kvLoraRank + c.qkRopeHeadDim, kvw = h * (c.qkNopeHeadDim + c.vHeadDim)
        let yw = h * c.vHeadDim, f = c.intermediateSize, v = c.vocabSize, r = c.qkRopeHeadDim
        // Logits are produced S rows at a time so a large vocabulary never needs (N, V) floats at once;
        // 2^23 floats (32 MiB) keeps each product large enough for full BLAS speed.
        logitRows = max(1, min(n, (1 << 23) / max(1, v)))
        sizes = Sizes(nc: n * d, n: n, nq: n * qw, na: n * aw, nk: n * c.kvLoraRank, nkv: n * kvw,
                      probs: b * h * t * t, ny: n * yw, nf: n * f)
        let counts: [Int] = [
            (l + 1) * n * d, l * n * d, l * n * d, l * n, l * n * qw, l * n * aw, l * n * c.kvLoraRank, l * n,
            l * n * kvw, l * b * h * t * t, l * n * yw, l * n * d, l * n, l * n * f, l * n * f, n * d, n,
            logitRows * v, t * r / 2, t * r / 2,
            n * d, n * d, n * qw, n * aw, n * c.kvLoraRank, n * kvw, n * yw, n * f, workers * t * t, n * h * r,
        ]
        floatCount = counts.reduce(0, +)
        storage = .allocate(capacity: floatCount)
        storage.initialize(repeating: 0)
        var cursor = storage.baseAddress!
        var index = 0
        func next() -> UnsafeMutablePointer<Float> {
            defer { cursor += counts[index]; index += 1 }
            return cursor
        }
        residual = next(); residualMid = next(); ln1 = next(); ln1Rstd = next(); q = next(); kva = next()
        ckv = next(); ckvRstd = next(); kvb = next(); probs = next(); atty = next(); ln2 = next(); ln2Rstd = next()
        ffnPre = next(); ffnAct = next(); lnf = next(); lnfRstd = next(); logits = next()
        ropeCos = next(); ropeSin = next()
        dResidual = next(); dLn = next(); dq = next(); dkva = next(); dckv = next(); dkvb = next(); datty = next()
        dffn = next(); dProbs = next(); dkpeHeads = next()
        RoPE.tables(cos: ropeCos, sin: ropeSin, sequenceLength: t, ropeDim: r, theta: c.ropeTheta)
    }

    deinit { storage.deallocate() }

    var bytes: Int { floatCount * MemoryLayout<Float>.size }
}
