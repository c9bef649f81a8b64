/// The backward pass, layers in reverse, after `head` has left d(loss)/d(lnf) in `dLn`. Every
/// parameter gradient is added to (never overwritten), so micro-batches accumulate.
extension PLMTransformer {
    func backward(_ batch: TokenBatch, _ a: ActivationArena) {
        let c = config
        let threads = options.threads
        let n = batch.batchSize * batch.sequenceLength, t = batch.sequenceLength, d = c.hiddenSize
        let h = c.numAttentionHeads, qk = c.qkHeadDim, nope = c.qkNopeHeadDim, r = c.qkRopeHeadDim
        let k = c.kvLoraRank, f = c.intermediateSize
        let s = a.sizes, shape = attentionShape(batch.batchSize, t)
        let p = UnsafePointer(parameters.baseAddress!), g = gradients.baseAddress!
        let starts = rowStarts(batch)

        a.dResidual.update(repeating: 0, count: s.nc)
        RMSNorm.backward(dinp: a.dResidual, dweight: g + offsets.finalNorm, dout: a.dLn,
                         inp: a.residual + c.numHiddenLayers * s.nc, weight: p + offsets.finalNorm, rstd: a.lnfRstd,
                         rows: n, channels: d, inputStride: d, threads: threads)
        for l in (0..<c.numHiddenLayers).reversed() {
            let w = offsets.layers[l]
            let residual = a.residual + l * s.nc, mid = a.residualMid + l * s.nc
            let ln1 = a.ln1 + l * s.nc, ln1Rstd = a.ln1Rstd + l * s.n
            let q = a.q + l * s.nq, kva = a.kva + l * s.na, ckv = a.ckv + l * s.nk, ckvRstd = a.ckvRstd + l * s.n
            let kvb = a.kvb + l * s.nkv, probs = a.probs + l * s.probs, atty = a.atty + l * s.ny
            let ln2 = a.ln2 + l * s.nc, ln2Rstd = a.ln2Rstd + l * s.n
            let ffnPre = a.ffnPre + l * s.nf, ffnAct = a.ffnAct + l * s.nf

            // Feed-forward block; dResidual is d(loss)/d(output of this layer) and stays the residual's share.
            Linear.backward(dinp: a.dffn, dweight: g + w.downProj, dout: a.dResidual, inp: ffnAct,
                            weight: p + w.downProj, rows: n, inputs: f, outputs: d, threads: threads)
            SquaredReLU.backward(dinp: a.dffn, dout: a.dffn, inp: ffnPre, count: s.nf, threads: threads)
            Linear.backward(dinp: a.dLn, dweight: g + w.upProj, dout: a.dffn, inp: ln2, weight: p + w.upProj,
                            rows: n, inputs: d, outputs: f, threads: threads)
            RMSNorm.backward(dinp: a.dResidual, dweight: g + w.postNorm, dout: a.dLn, inp: mid,
                             weight: p + w.postNorm, rstd: ln2Rstd, rows: n, channels: d, inputStride: d,
                             threads: threads)

            // Attention block; dResidual is now d(loss)/d(residualMid).
            Linear.backward(dinp: a.datty, dweight: g + w.oProj, dout: a.dResidual, inp: atty, weight: p + w.oProj,
                            rows: n, inputs: shape.outWidth, outputs: d, threads: threads)
            a.dkva.update(repeating: 0, count: s.na)
            starts.withUnsafeBufferPointer { starts in
                Attention.backward(dq: a.dq, dkva: a.dkva, dkvb: a.dkvb, dout: a.datty, probs: probs, q: q, kva: kva,
                                   kvb: kvb, rowStart: starts.baseAddress!, scratch: a.dProbs,
                                   dkpeHeads: a.dkpeHeads, shape: shape, threads: threads)
            }
            RoPE.backward(dx: a.dq + nope, cos: a.ropeCos, sin: a.ropeSin, rows: n, sequenceLength: t, heads: h,
                          ropeDim: r, rowStride: shape.qWidth, headStride: qk, threads: threads)
            RoPE.backward(dx: a.dkva + k, cos: a.ropeCos, sin: a.ropeSin, rows: n, sequenceLength: t, heads: 1,
                          ropeDim: r, rowStride: shape.kvaWidth, headStride: 0, threads: threads)
            Linear.backward(dinp: a.dckv, dweight: g + w.kvbProj, dout: a.dkvb, inp: ckv, weight: p + w.kvbProj,
                            rows: n, inputs: k, outputs: shape.kvbWidth, threads: threads)
            RMSNorm.backward(dinp: a.dkva, dweight: g + w.kvaNorm, dout: a.dckv, inp: kva, weight: p + w.kvaNorm,
                             rstd: ckvRstd, rows: n, channels: k, inputStride: shape.kvaWidth, threads: threads)
            Linear.backward(dinp: a.dLn, dweight: g + w.qProj, dout: a.dq, inp: ln1, weight: p + w.qProj, rows: n,
                            inputs: d, outputs: shape.qWidth, threads: threads)
            Linear.backward(dinp: a.dLn, dweight: g + w.kvaProj, dout: a.dkva, inp: ln1, weight: p + w.kvaProj,
                            rows: n, inputs: d, outputs: shape.kvaWidth, accumulateInput: true, threads: threads)
            RMSNorm.backward(dinp: a.dResidual, dweight: g + w.inputNorm, dout: a.dLn, inp: residual,
                             weight: p + w.inputNorm, rstd: ln1Rstd, rows: n, channels: d, inputStride: d,
                             threads: threads)
        }
        batch.inputs.withUnsafeBufferPointer { tokens in
            Embedding.backward(dtable: g + offsets.embedding, dout: a.dResidual, tokens: tokens.baseAddress!, rows: n,
                               channels: d)
        }
    }
}
