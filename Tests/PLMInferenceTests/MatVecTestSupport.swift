import Shards
@testable import PLMInference

/// Random matrices and vectors for the kernel tests, and the scalar references they are checked against.
enum MatVecFixture {
    /// `count` floats uniform in -1...1 from `seed`.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in Float.random(in: -1...1, using: &random) }
    }

    /// A rows x columns matrix of random values stored as `type`.
    static func matrix(_ type: WeightType, rows: Int, columns: Int, seed: UInt64) -> WeightMatrix {
        WeightMatrix.converting(values(rows * columns, seed: seed), rows: rows, columns: columns, to: type)
    }

    /// Row r of w as the stored values mean them, with the scalar reference decoder.
    static func referenceRow(_ w: WeightMatrix, _ r: Int) -> [Float] {
        var row = [Float](repeating: 0, count: w.columns)
        WeightConversion.decode(w.row(r), count: w.columns, as: w.type, into: &row)
        return row
    }

    /// dot(row r of w, x) in Double, and the sum of |w x| that bounds its f32 rounding error.
    static func referenceDot(_ row: [Float], _ x: [Float]) -> (value: Double, magnitude: Double) {
        var value = 0.0, magnitude = 0.0
        for (w, v) in zip(row, x) {
            value += Double(w) * Double(v)
            magnitude += abs(Double(w) * Double(v))
        }
        return (value, magnitude)
    }

    /// The rounding error f32 arithmetic may make in a sum of `terms` products whose magnitudes add to
    /// `magnitude`: each of at most `terms` + 2 roundings costs at most one unit of 2^-24 relative to
    /// the magnitude (the standard bound for any summation order, with room for a scaled product).
    static func tolerance(terms: Int, magnitude: Double) -> Double {
        Double(terms + 2) * Double(Float.ulpOfOne) * magnitude + 1e-30
    }
}
