import CorpusIO
import PLMModel

/// Settings of the feed-forward predictor (off unless given).
public struct FFNPredictorOptions: Sendable, Equatable {
    /// Rank of the low-rank stand-in for up_proj.
    public var rank: Int
    /// A row is skipped when its predicted value is below -margin x the RMS of the token's predictions:
    /// 0 skips every row predicted negative; larger margins skip fewer rows and miss fewer.
    public var margin: Float

    public init(rank: Int, margin: Float = 0) {
        self.rank = rank
        self.margin = margin
    }
}

/// A low-rank stand-in for one layer's up_proj (F x C): up_proj ~ Q B with Q (F x r) orthonormal columns
/// and B = Q^T up_proj (r x C), from a seeded randomized range finder with one power iteration. For a
/// token x it predicts u = Q (B x) in (F + C) r operations instead of F C, and the rows it predicts
/// negative (zero after squared ReLU) are neither computed nor read. A row predicted negative that is
/// in fact positive loses its activation: that is the predictor's accuracy cost, which `plm eval
/// --ffn-predictor-rank` measures (the prompt path applies the same rule, so perplexity shows it).
public final class UpProjectionPredictor: @unchecked Sendable {
    public let options: FFNPredictorOptions
    /// B (r x C) and Q (F x r), as f32 matrices the matrix-vector kernels take.
    let project: WeightMatrix
    let expand: WeightMatrix

    public init(upProj: WeightMatrix, options: FFNPredictorOptions, seed: UInt64, threads: Int) {
        self.options = options
        let f = upProj.rows, c = upProj.columns, r = min(options.rank, f, c)
        let w = upProj.decoded()
        var random = SeededRandom(seed: seed)
        let omega = (0..<(c * r)).map { _ in Float(Double(random.next() >> 11) / Double(1 << 53) * 2 - 1) }
        var y = [Float](repeating: 0, count: f * r), q = y, z = [Float](repeating: 0, count: c * r)
        // Y = W Omega, orthonormalised; once more through W W^T for a sharper basis.
        BLAS.sgemm(transposeA: false, transposeB: false, m: f, n: r, k: c, a: w, lda: c, b: omega, ldb: r,
                   c: &y, ldc: r, threads: threads)
        Self.orthonormalizeColumns(&y, rows: f, columns: r)
        BLAS.sgemm(transposeA: true, transposeB: false, m: c, n: r, k: f, a: w, lda: c, b: y, ldb: r,
                   c: &z, ldc: r, threads: threads)
        BLAS.sgemm(transposeA: false, transposeB: false, m: f, n: r, k: c, a: w, lda: c, b: z, ldb: r,
                   c: &q, ldc: r, threads: threads)
        Self.orthonormalizeColumns(&q, rows: f, columns: r)
        var b = [Float](repeating: 0, count: r * c)
        BLAS.sgemm(transposeA: true, transposeB: false, m: r, n: c, k: f, a: q, lda: r, b: w, ldb: c,
                   c: &b, ldc: c, threads: threads)
        project = b.withUnsafeBufferPointer { WeightMatrix.converting($0.baseAddress!, rows: r, columns: c, to: .f32) }
        expand = q.withUnsafeBufferPointer { WeightMatrix.converting($0.baseAddress!, rows: f, columns: r, to: .f32) }
    }

    public var rank: Int { project.rows }
    public var byteCount: Int { project.byteCount + expand.byteCount }

    /// Modified Gram-Schmidt over the columns of a row-major (rows x columns) matrix; a column that
    /// vanishes stays zero (the basis is then smaller, never wrong).
    static func orthonormalizeColumns(_ m: inout [Float], rows: Int, columns: Int) {
        for j in 0..<columns {
            for k in 0..<j {
                var dot: Float = 0
                for i in 0..<rows { dot += m[i * columns + j] * m[i * columns + k] }
                for i in 0..<rows { m[i * columns + j] -= dot * m[i * columns + k] }
            }
            var norm: Float = 0
            for i in 0..<rows { norm += m[i * columns + j] * m[i * columns + j] }
            let scale: Float = norm > 1e-20 ? 1 / norm.squareRoot() : 0
            for i in 0..<rows { m[i * columns + j] *= scale }
        }
    }

    /// The rows of one token's up_proj output to compute: their indices go to `indices`, and their
    /// count is returned. `latent` holds `rank` floats and `predicted` F floats of scratch.
    func rowsToCompute(_ x: UnsafePointer<Float>, latent: UnsafeMutablePointer<Float>, predicted: UnsafeMutablePointer<Float>,
                       indices: UnsafeMutablePointer<Int32>, threads: Int) -> Int {
        MatVec.multiply(project, x: x, into: latent, threads: threads)
        MatVec.multiply(expand, x: latent, into: predicted, threads: threads)
        let bar = -options.margin * rms(predicted, expand.rows)
        var count = 0
        for j in 0..<expand.rows where predicted[j] >= bar {
            indices[count] = Int32(j)
            count += 1
        }
        return count
    }

    /// The prompt path's form of the same rule: zeroes, in each of `rows` rows of `u` (rows x F), the
    /// values whose prediction is below the bar. `latent` holds rows x rank floats, `predicted` rows x F.
    func maskSkippedRows(_ u: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, rows: Int,
                         latent: UnsafeMutablePointer<Float>, predicted: UnsafeMutablePointer<Float>, threads: Int) {
        let f = expand.rows, r = rank, c = project.columns
        let b = project.data.assumingMemoryBound(to: Float.self), q = expand.data.assumingMemoryBound(to: Float.self)
        BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: r, k: c, a: x, lda: c, b: b, ldb: c,
                   c: latent, ldc: r, threads: threads)
        BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: f, k: r, a: latent, lda: r, b: q, ldb: r,
                   c: predicted, ldc: f, threads: threads)
        for row in 0..<rows {
            let p = predicted + row * f, out = u + row * f
            let bar = -options.margin * rms(p, f)
            for j in 0..<f where p[j] < bar { out[j] = 0 }
        }
    }

    private func rms(_ values: UnsafePointer<Float>, _ count: Int) -> Float {
        guard options.margin != 0 else { return 0 }
        var sum: Float = 0
        for j in 0..<count { sum += values[j] * values[j] }
        return (sum / Float(max(1, count))).squareRoot()
    }
}
