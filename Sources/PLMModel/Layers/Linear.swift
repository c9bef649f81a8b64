/// A bias-free linear layer, out = inp * W^T with W stored [OC, C] row-major (PyTorch's order),
/// as sgemm calls. N is the number of rows (B*T).
package enum Linear {
    /// out (N, OC) = inp (N, C) * weight^T; `accumulate` adds to `out` instead of overwriting
    /// (used to add a projection straight onto a residual copy).
    package static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        rows n: Int, inputs c: Int, outputs oc: Int, accumulate: Bool = false,
                        threads: Int) {
        BLAS.sgemm(transposeA: false, transposeB: true, m: n, n: oc, k: c, a: inp, lda: c, b: weight, ldb: c,
                   beta: accumulate ? 1 : 0, c: out, ldc: oc, threads: threads)
    }

    /// dinp (N, C) (+)= dout (N, OC) * weight; dweight (OC, C) += dout^T * inp.
    package static func backward(dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                         dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         rows n: Int, inputs c: Int, outputs oc: Int, accumulateInput: Bool = false,
                         threads: Int) {
        BLAS.sgemm(transposeA: false, transposeB: false, m: n, n: c, k: oc, a: dout, lda: oc, b: weight, ldb: c,
                   beta: accumulateInput ? 1 : 0, c: dinp, ldc: c, threads: threads)
        BLAS.sgemm(transposeA: true, transposeB: false, m: oc, n: c, k: n, a: dout, lda: oc, b: inp, ldb: c,
                   beta: 1, c: dweight, ldc: c, threads: threads)
    }
}
