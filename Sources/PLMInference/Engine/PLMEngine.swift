import PLMModel

/// Runs a PLM for inference: a prompt's tokens in one batched pass (prefill), then one token at a time
/// (decode), each call extending a `KVCache`. The layers are the trainer's own code (RMSNorm, RoPE,
/// squared ReLU, Linear for f32 prompts, and for the expanded cache the trainer's attention), so the
/// engine's logits equal the trainer's forward pass on the same tokens.
///
/// Not thread-safe: one call at a time per engine (it owns one scratch arena); run two engines for two
/// conversations at once. `@unchecked Sendable` so an engine can move to the thread that uses it.
public final class PLMEngine: @unchecked Sendable {
    public let config: PLMConfig
    public let weights: EngineWeights
    /// Workers for every product and elementwise loop.
    public let threads: Int
    /// How prompt rows attend over a latent cache (decoding one token always stays in latent space).
    public enum PromptAttention: Sendable {
        case cheapest       // whichever costs fewer operations (`LatentAttention.expandingIsCheaper`)
        case latent
        case expanded
    }
    public var promptAttention = PromptAttention.cheapest
    /// Latent attention reads a layer's cache head by head up to this many bytes, beyond with one product
    /// for all heads (tests set 0 to run that path on small caches).
    package var perHeadCacheBytes = LatentAttention.defaultPerHeadCacheBytes
    /// When set, every call counts the exactly-zero feed-forward activations of each layer into it
    /// (`plm eval` sets it; decoding leaves it nil).
    public var sparsity: FFNSparsity?
    /// When set, every call adds its time per part of the layers to it (benchmarks).
    public var profile: DecodeProfile?
    /// Each layer's down_proj by columns, when decoding skips the columns of zero activations
    /// (`sparseFFN`); nil for the dense path.
    public let sparseDown: [SparseDownProjection]?
    /// Each layer's low-rank guess of which up_proj rows come out negative, when those are skipped
    /// (`ffnPredictor`, off by default: it changes the model's output); nil otherwise.
    public let predictors: [UpProjectionPredictor]?
    private let ropeCos: [Float], ropeSin: [Float]      // (maxPositions, R/2)
    private var scratch: EngineScratch?

    /// `sparseFFN`: decode one token's feed-forward block reading only the columns of down_proj whose
    /// activation is not zero (a transposed copy of down_proj, built here); prompts stay dense.
    /// `ffnPredictor`: skip the rows of up_proj a low-rank stand-in predicts negative (decode computes
    /// only the others; prompts zero them), at a cost in accuracy that `plm eval` measures.
    public init(weights: EngineWeights, threads: Int, sparseFFN: Bool = false, ffnPredictor: FFNPredictorOptions? = nil) {
        config = weights.config
        self.weights = weights
        self.threads = max(1, threads)
        sparseDown = sparseFFN ? weights.layers.map { SparseDownProjection(transposing: $0.downProj, threads: threads) } : nil
        predictors = ffnPredictor.map { options in
            weights.layers.enumerated().map { l, layer in
                UpProjectionPredictor(upProj: layer.upProj, options: options, seed: 0x5052_4544 &+ UInt64(l), threads: threads)
            }
        }
        let pairs = config.qkRopeHeadDim / 2, positions = config.maxPositionEmbeddings
        var cos = [Float](repeating: 0, count: positions * pairs), sin = cos
        RoPE.tables(cos: &cos, sin: &sin, positions: 0..<positions, ropeDim: config.qkRopeHeadDim,
                    theta: config.ropeTheta)
        ropeCos = cos
        ropeSin = sin
    }

    /// A cache for this model; `latent` unless testing the expanded form.
    public func makeCache(_ kind: KVCache.Kind = .latent, capacity: Int = 256) -> KVCache {
        KVCache(kind: kind, config: config, capacity: capacity)
    }

    /// Which positions' logits a call returns.
    public enum Output: Sendable {
        case lastLogits         // (V) of the last new token: what decoding needs
        case allLogits          // (T, V) of every new token: evaluation and tests
        case none               // only fill the cache
    }

    /// Prompt rows run through the layers at a time: bounds the scratch (activations and attention
    /// probabilities of a chunk) however long the prompt is.
    public static let chunkRows = 512

    /// Runs `tokens` after what `cache` holds, adds them to it, and returns the requested logits.
    @discardableResult
    public func forward(_ tokens: [Int32], cache: KVCache, output: Output = .lastLogits) throws -> [Float] {
        let c = config, p = cache.count
        guard !tokens.isEmpty else { throw EngineError.emptyInput }
        guard p + tokens.count <= c.maxPositionEmbeddings else {
            throw EngineError.contextFull(needed: p + tokens.count, limit: c.maxPositionEmbeddings)
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= c.vocabSize }) {
            throw EngineError.tokenOutsideVocabulary(token: bad, vocabSize: c.vocabSize)
        }
        cache.reserve(p + tokens.count)
        var logits: [Float] = []
        for start in stride(from: 0, to: tokens.count, by: Self.chunkRows) {
            let chunk = tokens[start..<min(tokens.count, start + Self.chunkRows)]
            let t = chunk.count, last = start + t == tokens.count
            let s = workspace(rows: t, keys: cache.capacity, expanded: cache.kind == .expanded)
            let x = s[.residual], d = c.hiddenSize
            for (i, token) in chunk.enumerated() {
                weights.embedding.decodeRows(Int(token)..<(Int(token) + 1), into: x + i * d)
            }
            for l in 0..<c.numHiddenLayers { layer(l, rows: t, position: cache.count, cache: cache, scratch: s) }
            cache.advance(by: t)
            let headStart = profile == nil ? 0 : DecodeProfile.now()
            switch output {
            case .none: break
            case .lastLogits: if last { logits = self.logits(hidden: x + (t - 1) * d, rows: 1, scratch: s) }
            case .allLogits: logits += self.logits(hidden: x, rows: t, scratch: s)
            }
            if let profile, output != .none { profile.headNanoseconds += DecodeProfile.now() - headStart }
        }
        return logits
    }

    /// Final norm and the tied head over `rows` rows of the residual stream.
    private func logits(hidden: UnsafeMutablePointer<Float>, rows: Int, scratch s: EngineScratch) -> [Float] {
        let d = config.hiddenSize, v = config.vocabSize
        weights.finalNorm.withUnsafeBufferPointer { norm in
            RMSNorm.forward(out: s[.normed], rstd: s[.rstd], inp: hidden, weight: norm.baseAddress!, rows: rows,
                            channels: d, inputStride: d, eps: Float(config.rmsNormEps), threads: threads)
        }
        return [Float](unsafeUninitializedCapacity: rows * v) { buffer, initialized in
            EngineLinear.forward(out: buffer.baseAddress!, inp: s[.normed], weight: weights.embedding, rows: rows,
                                 accumulate: false, scratch: s[.product], quantized: s[.quantizedInput],
                                 threads: threads)
            initialized = rows * v
        }
    }

    /// One decoder layer over T new rows at positions p..<p+T.
    private func layer(_ l: Int, rows t: Int, position p: Int, cache: KVCache, scratch s: EngineScratch) {
        let c = config, w = weights.layers[l], eps = Float(c.rmsNormEps), d = c.hiddenSize
        let h = c.numAttentionHeads, k = c.kvLoraRank, r = c.qkRopeHeadDim, a = k + r
        let x = s[.residual], normed = s[.normed], q = s[.q], kva = s[.kva], ckv = s[.ckv]
        func linear(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: WeightMatrix,
                    accumulate: Bool = false) {
            EngineLinear.forward(out: out, inp: inp, weight: weight, rows: t, accumulate: accumulate,
                                 scratch: s[.product], quantized: s[.quantizedInput], threads: threads)
        }
        func norm(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: [Float], channels: Int,
                  stride: Int) {
            weight.withUnsafeBufferPointer { weight in
                RMSNorm.forward(out: out, rstd: s[.rstd], inp: inp, weight: weight.baseAddress!, rows: t,
                                channels: channels, inputStride: stride, eps: eps, threads: threads)
            }
        }

        var clock = profile == nil ? 0 : DecodeProfile.now()
        /// Adds the time since the last mark to `part` of the profile, if there is one.
        func mark(_ part: ReferenceWritableKeyPath<DecodeProfile, UInt64>) {
            guard let profile else { return }
            let now = DecodeProfile.now()
            profile[keyPath: part] += now - clock
            clock = now
        }

        // Attention block: x + o_proj(attention(input_layernorm(x))).
        norm(normed, x, w.inputNorm, channels: d, stride: d)
        linear(q, normed, w.qProj)
        linear(kva, normed, w.kvaProj)
        norm(ckv, kva, w.kvaNorm, channels: k, stride: a)
        ropeCos.withUnsafeBufferPointer { cos in
            ropeSin.withUnsafeBufferPointer { sin in
                let tableCos = cos.baseAddress! + p * r / 2, tableSin = sin.baseAddress! + p * r / 2
                RoPE.forward(x: q + c.qkNopeHeadDim, cos: tableCos, sin: tableSin, rows: t, sequenceLength: t,
                             heads: h, ropeDim: r, rowStride: h * c.qkHeadDim, headStride: c.qkHeadDim,
                             threads: threads)
                RoPE.forward(x: kva + k, cos: tableCos, sin: tableSin, rows: t, sequenceLength: t, heads: 1,
                             ropeDim: r, rowStride: a, headStride: 0, threads: threads)
            }
        }
        // The new tokens' cache rows: [c_kv normalised; k_pe roped].
        let latentRows = cache.rows(layer: l, plane: 0)
        for i in 0..<t {
            let row = latentRows + (p + i) * a
            row.update(from: ckv + i * k, count: k)
            (row + k).update(from: kva + i * a + k, count: r)
        }
        switch cache.kind {
        case .latent:
            var kvbFloats: UnsafePointer<Float>?
            if t > 1 {
                if w.kvbProj.type == .f32 {
                    kvbFloats = w.kvbProj.data.assumingMemoryBound(to: Float.self)
                } else {
                    EngineLinear.decodeRows(w.kvbProj, 0..<w.kvbProj.rows, into: s[.kvbDecoded], threads: threads)
                    kvbFloats = UnsafePointer(s[.kvbDecoded])
                }
            }
            if let kvbFloats, expandsPrompt(rows: t, keys: p + t) {
                // A long prompt: expand keys and values from the latent rows once, then attend as the
                // trainer does (fewer operations per query and key than in latent space).
                let expandedRows = s[.expandedKeys], kvWidth = w.kvbProj.rows
                BLAS.sgemm(transposeA: false, transposeB: true, m: p + t, n: kvWidth, k: k, a: latentRows, lda: a,
                           b: kvbFloats, ldb: k, c: expandedRows, ldc: kvWidth, threads: threads)
                attendExpanded(q: q, rows: t, keys: p + t, latentRows: latentRows, expandedRows: expandedRows,
                               scratch: s)
            } else {
                LatentAttention.forward(out: s[.attention], q: q, rows: t, cache: latentRows, keys: p + t,
                                        kvb: w.kvbProj, kvbFloats: kvbFloats, shape: latentShape, scratch: s,
                                        threads: threads, perHeadCacheBytes: perHeadCacheBytes)
            }
        case .expanded:
            let expandedRows = cache.rows(layer: l, plane: 1), kvWidth = w.kvbProj.rows
            linear(expandedRows + p * kvWidth, ckv, w.kvbProj)
            attendExpanded(q: q, rows: t, keys: p + t, latentRows: latentRows, expandedRows: expandedRows, scratch: s)
        }
        linear(x, s[.attention], w.oProj, accumulate: true)
        mark(\.attentionNanoseconds)

        // Feed-forward block: x + down_proj(relu(up_proj(post_attention_layernorm(x)))^2).
        norm(normed, x, w.postNorm, channels: d, stride: d)
        if t == 1, let predictor = predictors?[l] {
            // Only the rows predicted non-negative: computed compactly, then placed among zeros.
            let rows = s.indices(.predictorIndices), compact = s[.predicted], ffn = s[.ffn]
            let count = predictor.rowsToCompute(normed, latent: s[.predictorLatent], predicted: compact, indices: rows,
                                                threads: threads)
            MatVec.multiplyRows(w.upProj, indices: rows, count: count, x: normed, into: compact, threads: threads)
            ffn.update(repeating: 0, count: c.intermediateSize)
            for k in 0..<count { ffn[Int(rows[k])] = compact[k] }
        } else {
            linear(s[.ffn], normed, w.upProj)
            predictors?[l].maskSkippedRows(s[.ffn], x: normed, rows: t, latent: s[.predictorLatent], predicted: s[.predicted],
                                           threads: threads)
        }
        SquaredReLU.forward(out: s[.ffn], inp: s[.ffn], count: t * c.intermediateSize, threads: threads)
        sparsity?.count(layer: l, s[.ffn], t * c.intermediateSize)
        mark(\.ffnUpNanoseconds)
        if t == 1, let sparse = sparseDown?[l] {
            let used = sparse.accumulate(s[.ffn], into: x, indices: s.indices(.sparseIndices),
                                         coefficients: s[.sparseCoefficients], threads: threads)
            profile?.activeColumns += used
            profile?.totalColumns += c.intermediateSize
        } else {
            linear(x, s[.ffn], w.downProj, accumulate: true)
        }
        mark(\.ffnDownNanoseconds)
    }

    /// The trainer's attention over T query rows and `keys` key rows: k_pe from the latent rows, k_nope and
    /// v from the expanded rows (H*(nope+v) per token).
    private func attendExpanded(q: UnsafePointer<Float>, rows t: Int, keys: Int, latentRows: UnsafePointer<Float>,
                                expandedRows: UnsafePointer<Float>, scratch s: EngineScratch) {
        let c = config
        let shape = Attention.Shape(batch: 1, sequence: t, keys: keys, heads: c.numAttentionHeads,
                                    nope: c.qkNopeHeadDim, rope: c.qkRopeHeadDim, value: c.vHeadDim,
                                    kvLora: c.kvLoraRank)
        let starts = [Int32](repeating: 0, count: t)
        Attention.forward(out: s[.attention], probs: s[.probs], q: q, kva: latentRows, kvb: expandedRows,
                          rowStart: starts, shape: shape, threads: threads)
    }

    private func expandsPrompt(rows: Int, keys: Int) -> Bool {
        switch promptAttention {
        case .cheapest: LatentAttention.expandingIsCheaper(rows: rows, keys: keys, shape: latentShape)
        case .latent: false
        case .expanded: true
        }
    }

    private var latentShape: LatentAttention.Shape {
        LatentAttention.Shape(heads: config.numAttentionHeads, nope: config.qkNopeHeadDim, rope: config.qkRopeHeadDim,
                              value: config.vHeadDim, kvLora: config.kvLoraRank)
    }

    /// Scratch for `rows` new tokens against `keys` cache rows, reused while it is large enough.
    private func workspace(rows: Int, keys: Int, expanded: Bool) -> EngineScratch {
        if let scratch, scratch.rows >= rows, scratch.keys >= keys, scratch.hasExpanded == expanded {
            return scratch
        }
        scratch = nil
        let fresh = EngineScratch(config: config, weights: weights, rows: rows, keys: keys, expanded: expanded,
                                  predictorRank: predictors?.first?.rank ?? 0)
        scratch = fresh
        return fresh
    }

    /// Bytes of the scratch arena now.
    public var scratchBytes: Int { scratch?.bytes ?? 0 }
}
