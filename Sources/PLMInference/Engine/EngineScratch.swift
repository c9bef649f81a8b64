import PLMModel

/// The engine's working memory for one call of up to `rows` new tokens against a cache of up to
/// `keys` tokens, carved by name out of one `NamedArena`. Legend: T rows, C hidden, Q = H*(nope+rope),
/// A = K+R (kvLora + rope), KV = H*(nope+v), Y = H*v, F intermediate, P query rows per attention block.
final class EngineScratch {
    enum Buffer: Hashable {
        case residual       // (T, C) the residual stream
        case normed         // (T, C) a norm's output
        case rstd           // (T) reciprocal RMS of each row
        case q              // (T, Q) per head [q_nope; q_pe], RoPE applied
        case kva            // (T, A) [c_kv raw; k_pe with RoPE]
        case ckv            // (T, K) kv_a_layernorm(c_kv)
        case kvb            // (T, KV) expanded keys and values (expanded cache only)
        case attention      // (T, Y) attention output before o_proj
        case ffn            // (T, F) up_proj output, then relu^2 in place
        case product        // EngineLinear's scratch: one output row or one decoded weight tile
        case quantizedInput // (T, max columns) a prompt's rows rounded through q8_0, for q8_0 weights
        case kvbDecoded     // (KV, K) kv_b_proj as floats, for prompts when it is stored quantized
        case queryLatent    // (H, P, A) per head [q_nope * W_k; q_pe]: the query in latent space
        case scores         // (H, P, keys) attention scores, then probabilities
        case outputLatent   // (H, P, K) probabilities * c_kv
        case probs          // (H, T, keys) the expanded path's probabilities
        case expandedKeys   // (keys, KV) a prompt's keys and values expanded from the latent cache
        case sparseIndices  // (F) Int32: a token's non-zero activations, for the sparse down projection
        case sparseCoefficients // (F) their values
        case predictorLatent // (T, r) x projected by the up_proj predictor's B
        case predicted      // (T, F) the predictor's guess of up_proj's output; (F) the computed rows, compact
        case predictorIndices // (F) Int32: the rows of up_proj a token computes
    }

    let rows: Int, keys: Int, blockRows: Int
    let hasExpanded: Bool
    private let arena: NamedArena<Buffer>

    init(config c: PLMConfig, weights: EngineWeights, rows t: Int, keys: Int, expanded: Bool, predictorRank: Int = 0) {
        rows = t
        self.keys = keys
        hasExpanded = expanded
        let h = c.numAttentionHeads, k = c.kvLoraRank, a = c.kvLoraRank + c.qkRopeHeadDim
        let kvWidth = h * (c.qkNopeHeadDim + c.vHeadDim)
        // Query rows per attention block: all heads' scores of a block stay under 2^22 floats (16 MiB).
        blockRows = max(1, min(t, (1 << 22) / max(1, h * keys)))
        let layer = weights.layers[0]
        // One output row for a token's accumulating products; a decoded tile of weights only where a
        // prompt multiplies stored f16 or q8_0 weights (f32 ones go to sgemm as they are).
        let matrices = [layer.qProj, layer.kvaProj, layer.kvbProj, layer.oProj, layer.upProj, layer.downProj, weights.embedding]
        let product = t > 1 && weights.type != .f32 ? matrices.map(EngineLinear.scratchFloats).max()! : matrices.map(\.rows).max()!
        arena = NamedArena([
            (.residual, t * c.hiddenSize), (.normed, t * c.hiddenSize), (.rstd, t),
            (.q, t * h * c.qkHeadDim), (.kva, t * a), (.ckv, t * k), (.kvb, expanded ? t * kvWidth : 0),
            (.attention, t * h * c.vHeadDim), (.ffn, t * c.intermediateSize), (.product, product),
            (.quantizedInput, t > 1 && weights.type == .q8_0
                ? t * max(c.hiddenSize, c.intermediateSize, h * c.vHeadDim, k) : 0),
            (.kvbDecoded, t > 1 && layer.kvbProj.type != .f32 ? kvWidth * k : 0),
            (.queryLatent, expanded ? 0 : h * blockRows * a), (.scores, expanded ? 0 : h * blockRows * keys),
            (.outputLatent, expanded ? 0 : h * blockRows * k), (.probs, expanded || t > 1 ? h * t * keys : 0),
            (.expandedKeys, !expanded && t > 1 ? keys * kvWidth : 0),
            (.sparseIndices, c.intermediateSize), (.sparseCoefficients, c.intermediateSize),
            (.predictorLatent, t * predictorRank), (.predicted, predictorRank > 0 ? t * c.intermediateSize : 0),
            (.predictorIndices, predictorRank > 0 ? c.intermediateSize : 0),
        ])
    }

    subscript(buffer: Buffer) -> UnsafeMutablePointer<Float> { arena[buffer] }

    /// A buffer used for 32-bit indices (its floats' memory, rebound).
    func indices(_ buffer: Buffer) -> UnsafeMutablePointer<Int32> {
        UnsafeMutableRawPointer(arena[buffer]).bindMemory(to: Int32.self, capacity: rows == 0 ? 0 : 1)
    }

    var bytes: Int { arena.bytes }
}
