/// The language filter's question, answered faster than `predict(k: 1)`: the best label and its probability.
///
/// Two things differ from fastText's path, both in float rounding only:
/// - The hidden vector sums the same rows grouped by word (`computeHiddenByWords`), so that a word seen
///   before takes its rows' sum from a cache instead of hashing and fetching its n-grams again.
/// - The softmax's normaliser: fastText takes C's double `exp` of each label's score and a log of each
///   probability to sort them; here the best label is the largest score and its probability
///   `1 / sum(exp(s - max))` comes from a vectorised float `exp` (`FastExp`, relative error under 1e-6 per
///   term, so under 1e-6 on the sum), with no log and no sort.
///
/// The label differs from `predict`'s only when two scores are equal to within float rounding (on the 306,345
/// held-out catalog texts of the built-in model, never). `plm langid predict` and the parity tests keep the
/// exact path.
extension FastTextModel {
    public func best(bytes: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> LabelScore? {
        guard args.loss == .softmax, let outputByColumn else {
            return predict(bytes: bytes, k: 1, threshold: 0, scratch: &scratch).first
        }
        guard computeHiddenByWords(bytes, scratch: &scratch) else { return nil }
        let count = output.rows
        // Scores padded to whole vectors; the padding stays -infinity, whose exp is 0.
        if scratch.paddedScores.count != paddedRows {
            scratch.paddedScores = [Float](repeating: -.infinity, count: paddedRows)
        }
        let (index, normaliser) = scratch.hidden.withUnsafeBufferPointer { hidden in
            scratch.paddedScores.withUnsafeMutableBufferPointer { scores -> (Int, Float) in
                Self.multiplyByEight(outputByColumn, rows: count, paddedRows: paddedRows, hidden, into: scores)
                var best = 0
                for i in 1..<count where scores[i] > scores[best] { best = i }
                let top = SIMD8<Float>(repeating: scores[best])
                var sum = SIMD8<Float>(repeating: 0)
                let raw = UnsafeRawBufferPointer(scores)
                for block in 0..<paddedRows / 8 {
                    let values = raw.loadUnaligned(fromByteOffset: block * 8 * MemoryLayout<Float>.stride, as: SIMD8<Float>.self)
                    sum += FastExp.exp(values - top)
                }
                return (best, sum.sum())
            }
        }
        // A NaN score (weights summing to infinities) leaves no answer, as in `predict`.
        guard normaliser.isFinite, normaliser >= 1 else { return nil }
        // `predict` reports exp(log(p + 1e-5)): p nudged by fastText's 1e-5; the same nudge here.
        return LabelScore(label: labels[index], probability: 1 / normaliser + 1e-5)
    }
}

/// exp of float vectors for x <= 0 (Cephes' `expf`: x = n ln 2 + r, |r| <= ln 2 / 2, a degree-6 polynomial
/// for e^r, 2^n put in the exponent bits): relative error under 1e-6 for x in [-87, 0] (measured against
/// double `exp` in `FastTextBestTests`); below -87 it answers about 1e-38 instead of less, which a softmax
/// normaliser of at least 1 cannot see.
enum FastExp {
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let x = x.replacing(with: -87, where: x .< -87)   // NaN stays NaN: it is not below -87
        // Rounded to the nearest integer by adding 1.5 * 2^23 (the float's own rounding), which also leaves
        // n in the low bits of the sum's pattern: no per-lane conversion, which Swift does lane by lane.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let e = p * r * r + r + 1
        // n is in [-126, 0] for x in [-87, 0]; a NaN lane makes some pattern here and stays NaN through e.
        let whole = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let bits = (whole &+ 127) &<< 23
        return e * unsafeBitCast(bits, to: SIMD8<Float>.self)
    }
}
