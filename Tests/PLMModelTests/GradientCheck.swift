@testable import PLMModel

/// Finite-difference gradient checking in fp32: central differences of a scalar function of a
/// buffer, compared with an analytic gradient relative to the gradient's own scale.
enum GradientCheck {
    /// d f / d x[i] by central differences, for every i in `indices`.
    static func numeric(_ x: UnsafeMutablePointer<Float>, indices: [Int], step: Float,
                        _ f: () -> Double) -> [Double] {
        indices.map { i in
            let saved = x[i]
            x[i] = saved + step
            let plus = f()
            x[i] = saved - step
            let minus = f()
            x[i] = saved
            return (plus - minus) / Double(2 * step)
        }
    }

    /// max |numeric - analytic| / max(max |analytic|, floor): small when the two agree.
    static func relativeError(numeric: [Double], analytic: [Double], floor: Double = 1e-3) -> Double {
        precondition(numeric.count == analytic.count)
        let scale = max(analytic.map(abs).max() ?? 0, floor)
        return zip(numeric, analytic).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    /// Deterministic pseudo-random values in [-scale, scale) (a small LCG: tests need no quality).
    static func randomValues(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
    }

    /// sum out[i] * r[i] in Double: the scalar whose gradient with respect to `out` is r.
    static func project(_ out: UnsafePointer<Float>, _ r: [Float]) -> Double {
        var sum = 0.0
        for i in 0..<r.count { sum += Double(out[i]) * Double(r[i]) }
        return sum
    }
}

/// A heap buffer of floats with a stable pointer, so a check can perturb inputs in place while the
/// function under test reads them (Swift arrays would trip exclusivity checks).
final class TestBuffer {
    let p: UnsafeMutablePointer<Float>
    let count: Int

    init(_ values: [Float]) {
        count = values.count
        p = .allocate(capacity: max(1, count))
        p.initialize(from: values, count: count)
    }

    convenience init(zeros count: Int) { self.init([Float](repeating: 0, count: count)) }

    deinit { p.deallocate() }

    var values: [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
    var doubles: [Double] { values.map(Double.init) }
    subscript(i: Int) -> Float { p[i] }
}
