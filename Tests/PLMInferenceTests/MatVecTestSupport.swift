import CorpusIO
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

    /// How far quantizing x to q8_0 may move dot(row, x): per block, each x moves by at most half a q8_0
    /// step d = amax / 127 plus 127 times the f16 scale's error (d * 2^-11, or 2^-25 where d is an f16
    /// subnormal), times the block's sum of |w|.
    static func quantizedActivationError(_ row: [Float], _ x: [Float]) -> Double {
        var bound = 0.0
        for start in stride(from: 0, to: x.count, by: 32) {
            let block = start..<min(start + 32, x.count)
            let amax = x[block].map { abs(Double($0)) }.max() ?? 0
            let weights = row[block].reduce(0.0) { $0 + abs(Double($1)) }
            let d = amax / 127
            bound += (d / 2 + 127 * max(d * 0x1p-11, 0x1p-25)) * weights
        }
        return bound
    }

    /// x after encoding to q8_0 and decoding again: what a quantized-x product multiplies by.
    static func q8RoundTrip(_ x: [Float]) -> [Float] {
        var bytes = [UInt8](repeating: 0, count: WeightType.q8_0.rowBytes(columns: x.count))
        bytes.withUnsafeMutableBytes { WeightConversion.encode(x, count: x.count, as: .q8_0, into: $0.baseAddress!) }
        var decoded = [Float](repeating: 0, count: x.count)
        bytes.withUnsafeBytes { WeightConversion.decode($0.baseAddress!, count: x.count, as: .q8_0, into: &decoded) }
        return decoded
    }
}
