/// The forward pass, layer by layer, into the activation arena (shapes in `ActivationArena`).
extension PLMTransformer {
    func attentionShape(_ b: Int, _ t: Int) -> Attention.Shape {
        Attention.Shape(batch: b, sequence: t, heads: config.numAttentionHeads, nope: config.qkNopeHeadDim,
                        rope: config.qkRopeHeadDim, value: config.vHeadDim, kvLora: config.kvLoraRank)
    }

    /// For each row n = b*T + t, the first key position it may attend to: 0, or with document masking
    /// the first position of its own document.
    func rowStarts(_ batch: TokenBatch) -> [Int32] {
        let t = batch.sequenceLength
        var starts = [Int32](repeating: 0, count: batch.batchSize * t)
        guard options.maskAcrossDocuments, let documents = batch.documentIndex else { return starts }
        for b in 0..<batch.batchSize {
            var current: Int32 = 0
            for i in 0..<t {
                if i > 0 && documents[b * t + i] != documents[b * t + i - 1] { current = Int32(i) }
                starts[b * t + i] = current
            }
        }
        return starts
    }

    /// Runs every layer up to and including the final norm; returns the filled arena.
    func forward(_ batch: TokenBatch) -> ActivationArena {
        let c = config
        precondition(batch.sequenceLength <= c.maxPositionEmbeddings,
                     "sequence length \(batch.sequenceLength) exceeds max_position_embeddings")
        precondition(batch.inputs.allSatisfy { $0 >= 0 && Int($0) < c.vocabSize }, "input token outside vocab")
        let a = arena(for: batch)
        let threads = options.threads, eps = Float(c.rmsNormEps)
        let n = batch.batchSize * batch.sequenceLength, t = batch.sequenceLength, d = c.hiddenSize
        let h = c.numAttentionHeads, qk = c.qkHeadDim, nope = c.qkNopeHeadDim, r = c.qkRopeHeadDim
        let k = c.kvLoraRank, f = c.intermediateSize
        let s = a.sizes, shape = attentionShape(batch.batchSize, t)
        let p = UnsafePointer(parameters.baseAddress!)
        let starts = rowStarts(batch)

        batch.inputs.withUnsafeBufferPointer { tokens in
            Embedding.forward(out: a.residual, tokens: tokens.baseAddress!, table: p + offsets.embedding, rows: n,
                              channels: d, threads: threads)
        }
        for l in 0..<c.numHiddenLayers {
            let w = offsets.layers[l]
            let residual = a.residual + l * s.nc, mid = a.residualMid + l * s.nc, next = a.residual + (l + 1) * s.nc
            let ln1 = a.ln1 + l * s.nc, ln1Rstd = a.ln1Rstd + l * s.n
            let q = a.q + l * s.nq, kva = a.kva + l * s.na, ckv = a.ckv + l * s.nk, ckvRstd = a.ckvRstd + l * s.n
            let kvb = a.kvb + l * s.nkv, probs = a.probs + l * s.probs, atty = a.atty + l * s.ny
            let ln2 = a.ln2 + l * s.nc, ln2Rstd = a.ln2Rstd + l * s.n
            let ffnPre = a.ffnPre + l * s.nf, ffnAct = a.ffnAct + l * s.nf

            // Attention block: x + o_proj(attention(input_layernorm(x))).
            RMSNorm.forward(out: ln1, rstd: ln1Rstd, inp: residual, weight: p + w.inputNorm, rows: n, channels: d,
                            inputStride: d, eps: eps, threads: threads)
            Linear.forward(out: q, inp: ln1, weight: p + w.qProj, rows: n, inputs: d, outputs: shape.qWidth, threads: threads)
            Linear.forward(out: kva, inp: ln1, weight: p + w.kvaProj, rows: n, inputs: d, outputs: shape.kvaWidth, threads: threads)
            RMSNorm.forward(out: ckv, rstd: ckvRstd, inp: kva, weight: p + w.kvaNorm, rows: n, channels: k,
                            inputStride: shape.kvaWidth, eps: eps, threads: threads)
            Linear.forward(out: kvb, inp: ckv, weight: p + w.kvbProj, rows: n, inputs: k, outputs: shape.kvbWidth, threads: threads)
            RoPE.forward(x: q + nope, cos: a.ropeCos, sin: a.ropeSin, rows: n, sequenceLength: t, heads: h,
                         ropeDim: r, rowStride: shape.qWidth, headStride: qk, threads: threads)
            RoPE.forward(x: kva + k, cos: a.ropeCos, sin: a.ropeSin, rows: n, sequenceLength: t, heads: 1,
                         ropeDim: r, rowStride: shape.kvaWidth, headStride: 0, threads: threads)
            starts.withUnsafeBufferPointer { starts in
                Attention.forward(out: atty, probs: probs, q: q, kva: kva, kvb: kvb, rowStart: starts.baseAddress!,
                                  shape: shape, threads: threads)
            }
            mid.update(from: residual, count: s.nc)
            Linear.forward(out: mid, inp: atty, weight: p + w.oProj, rows: n, inputs: shape.outWidth, outputs: d,
                           accumulate: true, threads: threads)

            // Feed-forward block: x + down_proj(relu(up_proj(post_attention_layernorm(x)))^2).
            RMSNorm.forward(out: ln2, rstd: ln2Rstd, inp: mid, weight: p + w.postNorm, rows: n, channels: d,
                            inputStride: d, eps: eps, threads: threads)
            Linear.forward(out: ffnPre, inp: ln2, weight: p + w.upProj, rows: n, inputs: d, outputs: f, threads: threads)
            SquaredReLU.forward(out: ffnAct, inp: ffnPre, count: s.nf, threads: threads)
            next.update(from: mid, count: s.nc)
            Linear.forward(out: next, inp: ffnAct, weight: p + w.downProj, rows: n, inputs: f, outputs: d,
                           accumulate: true, threads: threads)
        }
        RMSNorm.forward(out: a.lnf, rstd: a.lnfRstd, inp: a.residual + c.numHiddenLayers * s.nc,
                        weight: p + offsets.finalNorm, rows: n, channels: d, inputStride: d, eps: eps,
                        threads: threads)
        return a
    }

    /// The tied output head and the loss, S rows of logits at a time. With a gradient scale, also
    /// leaves d(loss)/d(lnf) in `dLn` and adds the head's share to the embedding gradient.
    func head(_ batch: TokenBatch, _ a: ActivationArena, gradientScale: Float?) -> Double {
        headLosses(batch, a, gradientScale: gradientScale).reduce(0, +)
    }

    /// `head`, returning each row's weighted loss (row b*T + t) instead of their sum.
    func headLosses(_ batch: TokenBatch, _ a: ActivationArena, gradientScale: Float?) -> [Double] {
        let n = batch.batchSize * batch.sequenceLength, d = config.hiddenSize, v = config.vocabSize
        let threads = options.threads
        precondition(batch.targets.allSatisfy { $0 >= 0 && Int($0) < v }, "target token outside vocab")
        let table = UnsafePointer(parameters.baseAddress! + offsets.embedding)
        let dTable = gradients.baseAddress! + offsets.embedding
        var losses = [Double](repeating: 0, count: n)
        losses.withUnsafeMutableBufferPointer { losses in
            batch.targets.withUnsafeBufferPointer { targets in
                withOptionalPointer(batch.lossMask) { weights in
                    for first in stride(from: 0, to: n, by: a.logitRows) {
                        let rows = min(a.logitRows, n - first)
                        Linear.forward(out: a.logits, inp: a.lnf + first * d, weight: table, rows: rows, inputs: d,
                                       outputs: v, threads: threads)
                        CrossEntropy.forward(logits: a.logits, losses: losses.baseAddress! + first,
                                             targets: targets.baseAddress! + first, weights: weights.map { $0 + first },
                                             rows: rows, vocab: v, gradientScale: gradientScale,
                                             threads: threads)
                        guard gradientScale != nil else { continue }
                        Linear.backward(dinp: a.dLn + first * d, dweight: dTable, dout: a.logits,
                                        inp: a.lnf + first * d, weight: table, rows: rows, inputs: d, outputs: v, threads: threads)
                    }
                }
            }
        }
        return losses
    }
}

/// Calls body with a pointer to the array's elements, or nil for a nil array.
func withOptionalPointer<Result>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> Result) -> Result {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}
