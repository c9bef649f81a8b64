import Foundation
import Testing
@testable import PLMModel

/// Every layer's backward against central differences of its forward, on small shapes. Each check
/// takes the scalar sum(out * r) for a fixed random r, so the analytic gradient is backward(dout = r).
@Suite struct LayerGradientTests {
    @Test func linear() {
        let n = 3, c = 5, oc = 4
        let inp = TestBuffer(GradientCheck.randomValues(n * c, seed: 1))
        let weight = TestBuffer(GradientCheck.randomValues(oc * c, seed: 2))
        let r = GradientCheck.randomValues(n * oc, seed: 3)
        let out = TestBuffer(zeros: n * oc)
        func f() -> Double {
            Linear.forward(out: out.p, inp: inp.p, weight: weight.p, rows: n, inputs: c, outputs: oc, threads: 1)
            return GradientCheck.project(out.p, r)
        }
        let dinp = TestBuffer(zeros: n * c), dweight = TestBuffer(zeros: oc * c)
        Linear.backward(dinp: dinp.p, dweight: dweight.p, dout: r, inp: inp.p, weight: weight.p, rows: n, inputs: c,
                        outputs: oc, threads: 1)
        let numericInput = GradientCheck.numeric(inp.p, indices: Array(0..<(n * c)), step: 1e-2, f)
        let numericWeight = GradientCheck.numeric(weight.p, indices: Array(0..<(oc * c)), step: 1e-2, f)
        #expect(GradientCheck.relativeError(numeric: numericInput, analytic: dinp.doubles) < 1e-3)
        #expect(GradientCheck.relativeError(numeric: numericWeight, analytic: dweight.doubles) < 1e-3)
    }

    @Test(arguments: [1, 2]) func rmsNormOnStridedInput(threads: Int) {
        // Rows of 5 channels inside rows of 7 floats, as kv_a_layernorm reads c_kv out of kv_a_proj's output.
        let n = 4, c = 5, stride = 7
        let inp = TestBuffer(GradientCheck.randomValues(n * stride, seed: 4))
        let weight = TestBuffer(GradientCheck.randomValues(c, seed: 5).map { 1 + $0 / 2 })
        let r = GradientCheck.randomValues(n * c, seed: 6)
        let out = TestBuffer(zeros: n * c), rstd = TestBuffer(zeros: n)
        func f() -> Double {
            RMSNorm.forward(out: out.p, rstd: rstd.p, inp: inp.p, weight: weight.p, rows: n, channels: c,
                            inputStride: stride, eps: 1e-6, threads: threads)
            return GradientCheck.project(out.p, r)
        }
        _ = f()
        let dinp = TestBuffer(zeros: n * stride), dweight = TestBuffer(zeros: c)
        RMSNorm.backward(dinp: dinp.p, dweight: dweight.p, dout: r, inp: inp.p, weight: weight.p, rstd: rstd.p, rows: n,
                         channels: c, inputStride: stride, threads: threads)
        let inside = (0..<(n * stride)).filter { $0 % stride < c }
        let numericInput = GradientCheck.numeric(inp.p, indices: inside, step: 1e-2, f)
        let numericWeight = GradientCheck.numeric(weight.p, indices: Array(0..<c), step: 1e-2, f)
        #expect(GradientCheck.relativeError(numeric: numericInput, analytic: inside.map { Double(dinp[$0]) }) < 1e-2)
        #expect(GradientCheck.relativeError(numeric: numericWeight, analytic: dweight.doubles) < 1e-2)
        // Columns outside the slice get no gradient.
        #expect((0..<(n * stride)).filter { $0 % stride >= c }.allSatisfy { dinp[$0] == 0 })
    }

    @Test func rope() {
        // 2 sequences of 3 positions, 2 heads of [nope 1; rope 4] in rows of 11 floats.
        let t = 3, n = 6, heads = 2, ropeDim = 4, headStride = 5, rowStride = 11, theta = 10.0
        var cos = [Float](repeating: 0, count: t * ropeDim / 2), sin = cos
        RoPE.tables(cos: &cos, sin: &sin, positions: 0..<t, ropeDim: ropeDim, theta: theta)
        // Position 2, pair 1 turns by 2 * theta^(-2/4).
        #expect(abs(cos[2 * 2 + 1] - Float(Foundation.cos(2 * Foundation.pow(theta, -0.5)))) < 1e-6)
        let x = TestBuffer(GradientCheck.randomValues(n * rowStride, seed: 7))
        let r = GradientCheck.randomValues(n * rowStride, seed: 8)
        func rotated() -> TestBuffer {
            let y = TestBuffer(x.values)
            RoPE.forward(x: y.p + 1, cos: cos, sin: sin, rows: n, sequenceLength: t, heads: heads, ropeDim: ropeDim,
                         rowStride: rowStride, headStride: headStride, threads: 2)
            return y
        }
        func f() -> Double {
            let y = rotated()
            return withExtendedLifetime(y) { GradientCheck.project(y.p, r) }
        }
        let dx = TestBuffer(r)
        RoPE.backward(dx: dx.p + 1, cos: cos, sin: sin, rows: n, sequenceLength: t, heads: heads, ropeDim: ropeDim,
                      rowStride: rowStride, headStride: headStride, threads: 2)
        let numeric = GradientCheck.numeric(x.p, indices: Array(0..<(n * rowStride)), step: 1e-2, f)
        #expect(GradientCheck.relativeError(numeric: numeric, analytic: dx.doubles) < 1e-3)
        // Position 0 is not rotated; columns outside the rope slices pass through; position 1 is.
        let y = rotated().values, original = x.values
        #expect(Array(y[0..<rowStride]) == Array(original[0..<rowStride]))
        #expect(y[rowStride] == original[rowStride] && y[rowStride + 10] == original[rowStride + 10])
        #expect(y[rowStride + 1] != original[rowStride + 1])
    }

    /// Block sizes 2 (three causal blocks, the last one short) and 64 (one block).
    @Test(arguments: [false, true], [2, 64]) func attention(documents: Bool, blockRows: Int) {
        let s = Attention.Shape(batch: 2, sequence: 5, heads: 2, nope: 3, rope: 2, value: 3, kvLora: 2,
                                blockRows: blockRows)
        let n = s.batch * s.sequence
        // Sequence 0 holds documents starting at 0 and 2, sequence 1 one document (or all causal).
        let starts: [Int32] = documents ? [0, 0, 2, 2, 2, 0, 0, 0, 0, 0] : [Int32](repeating: 0, count: n)
        let q = TestBuffer(GradientCheck.randomValues(n * s.qWidth, seed: 9))
        let kva = TestBuffer(GradientCheck.randomValues(n * s.kvaWidth, seed: 10))
        let kvb = TestBuffer(GradientCheck.randomValues(n * s.kvbWidth, seed: 11))
        let r = GradientCheck.randomValues(n * s.outWidth, seed: 12)
        let out = TestBuffer(zeros: n * s.outWidth)
        let probs = TestBuffer(zeros: s.batch * s.heads * s.sequence * s.sequence)
        func f() -> Double {
            Attention.forward(out: out.p, probs: probs.p, q: q.p, kva: kva.p, kvb: kvb.p, rowStart: starts, shape: s,
                              threads: 2)
            return GradientCheck.project(out.p, r)
        }
        _ = f()
        let dq = TestBuffer(zeros: n * s.qWidth), dkva = TestBuffer(zeros: n * s.kvaWidth)
        let dkvb = TestBuffer(zeros: n * s.kvbWidth), scratch = TestBuffer(zeros: 2 * s.sequence * s.sequence)
        let dkpe = TestBuffer(zeros: n * s.heads * s.rope)
        Attention.backward(dq: dq.p, dkva: dkva.p, dkvb: dkvb.p, dout: r, probs: probs.p, q: q.p, kva: kva.p,
                           kvb: kvb.p, rowStart: starts, scratch: scratch.p, dkpeHeads: dkpe.p, shape: s, threads: 2)
        let numericQ = GradientCheck.numeric(q.p, indices: Array(0..<q.count), step: 1e-2, f)
        let kpeColumns = (0..<kva.count).filter { $0 % s.kvaWidth >= s.kvLora }
        let numericKpe = GradientCheck.numeric(kva.p, indices: kpeColumns, step: 1e-2, f)
        let numericKvb = GradientCheck.numeric(kvb.p, indices: Array(0..<kvb.count), step: 1e-2, f)
        #expect(GradientCheck.relativeError(numeric: numericQ, analytic: dq.doubles) < 1e-2)
        #expect(GradientCheck.relativeError(numeric: numericKpe, analytic: kpeColumns.map { Double(dkva[$0]) }) < 1e-2)
        #expect(GradientCheck.relativeError(numeric: numericKvb, analytic: dkvb.doubles) < 1e-2)
        // The c_kv columns are left for kv_a_layernorm's backward.
        #expect((0..<kva.count).filter { $0 % s.kvaWidth < s.kvLora }.allSatisfy { dkva[$0] == 0 })
        // Each probability row sums to 1 over allowed keys and is 0 elsewhere.
        for b in 0..<s.batch {
            for h in 0..<s.heads {
                for i in 0..<s.sequence {
                    let row = ((b * s.heads + h) * s.sequence + i) * s.sequence
                    let start = Int(starts[b * s.sequence + i])
                    let allowed = (start...i).map { probs[row + $0] }.reduce(0, +)
                    #expect(abs(allowed - 1) < 1e-5)
                    #expect((0..<s.sequence).filter { $0 < start || $0 > i }.allSatisfy { probs[row + $0] == 0 })
                }
            }
        }
    }

    @Test func squaredReLU() {
        // Values kept away from 0, where relu^2 has a kink the central difference would straddle.
        let inp = TestBuffer(GradientCheck.randomValues(40, seed: 13).map { $0 + ($0 < 0 ? -0.1 : 0.1) })
        let r = GradientCheck.randomValues(40, seed: 14)
        let out = TestBuffer(zeros: 40)
        func f() -> Double {
            SquaredReLU.forward(out: out.p, inp: inp.p, count: 40, threads: 2)
            return GradientCheck.project(out.p, r)
        }
        let dinp = TestBuffer(zeros: 40)
        SquaredReLU.backward(dinp: dinp.p, dout: r, inp: inp.p, count: 40, threads: 2)
        let numeric = GradientCheck.numeric(inp.p, indices: Array(0..<40), step: 1e-2, f)
        #expect(GradientCheck.relativeError(numeric: numeric, analytic: dinp.doubles) < 1e-3)
        #expect(zip(inp.values, dinp.values).allSatisfy { $0 > 0 || $1 == 0 })
    }

    @Test func crossEntropyWithMask() {
        let n = 4, v = 7, scale: Float = 0.5
        let logits = TestBuffer(GradientCheck.randomValues(n * v, seed: 15, scale: 3))
        let targets: [Int32] = [3, 0, 6, 2], weights: [Float] = [1, 0, 1, 1]
        var losses = [Double](repeating: 0, count: n)
        func lossSum() -> Double {
            let scratch = TestBuffer(logits.values)
            withExtendedLifetime(scratch) {
                CrossEntropy.forward(logits: scratch.p, losses: &losses, targets: targets, weights: weights, rows: n,
                                     vocab: v, gradientScale: nil, threads: 2)
            }
            return Double(scale) * losses.reduce(0, +)
        }
        // Loss of row 0 against a direct log-softmax.
        _ = lossSum()
        let row0 = logits.values[0..<v].map(Double.init), logSum = log(row0.map { exp($0) }.reduce(0, +))
        #expect(abs(losses[0] - (logSum - row0[3])) < 1e-5)
        #expect(losses[1] == 0)
        let gradient = TestBuffer(logits.values)
        CrossEntropy.forward(logits: gradient.p, losses: &losses, targets: targets, weights: weights, rows: n, vocab: v,
                             gradientScale: scale, threads: 2)
        let numeric = GradientCheck.numeric(logits.p, indices: Array(0..<(n * v)), step: 1e-2, lossSum)
        #expect(GradientCheck.relativeError(numeric: numeric, analytic: gradient.doubles) < 1e-3)
        #expect(gradient.values[v..<(2 * v)].allSatisfy { $0 == 0 })
    }

    @Test func embedding() {
        let n = 5, c = 3, v = 4
        let tokens: [Int32] = [1, 3, 1, 0, 1]
        let table = TestBuffer(GradientCheck.randomValues(v * c, seed: 16))
        let r = GradientCheck.randomValues(n * c, seed: 17)
        let out = TestBuffer(zeros: n * c)
        func f() -> Double {
            Embedding.forward(out: out.p, tokens: tokens, table: table.p, rows: n, channels: c, threads: 2)
            return GradientCheck.project(out.p, r)
        }
        let dtable = TestBuffer(zeros: v * c)
        Embedding.backward(dtable: dtable.p, dout: r, tokens: tokens, rows: n, channels: c)
        let numeric = GradientCheck.numeric(table.p, indices: Array(0..<(v * c)), step: 1e-2, f)
        #expect(GradientCheck.relativeError(numeric: numeric, analytic: dtable.doubles) < 1e-3)
        #expect(dtable.values[2 * c..<(3 * c)].allSatisfy { $0 == 0 })   // token 2 is never used
    }
}
