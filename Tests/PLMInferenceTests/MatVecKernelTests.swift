import Testing
@testable import PLMInference

/// Every kernel level this CPU runs, for every weight type, against a Double reference computed from the
/// scalar decoder: odd row counts, row ranges not starting at 0, and (f32, f16) column counts that leave
/// a tail after the last whole vector of each width.
@Suite struct MatVecKernelTests {
    // The last shape of each list has rows long enough (x of 16 KiB and more) for the kernels to take
    // rows four at a time.
    static let elementShapes = [(rows: 1, columns: 1), (3, 7), (5, 16), (9, 17), (13, 33), (6, 64), (11, 100), (7, 257),
                                (11, 8200)]
    static let q8Shapes = [(rows: 1, columns: 32), (5, 64), (9, 96), (13, 320), (11, 8224)]

    static func shapes(_ type: WeightType) -> [(rows: Int, columns: Int)] {
        type == .q8_0 ? q8Shapes : elementShapes
    }

    /// Row ranges of a matrix with `rows` rows: all of them, and ones that start after 0.
    static func ranges(_ rows: Int) -> [Range<Int>] {
        var ranges = [0..<rows]
        if rows > 1 { ranges.append(1..<rows) }
        if rows > 4 { ranges.append(2..<(rows - 1)) }
        return ranges
    }

    @Test(arguments: MatVecLevel.supported, WeightType.allCases)
    func multiplyMatchesReference(level: MatVecLevel, type: WeightType) {
        for method in type == .q8_0 ? Q8Method.allCases : [.floatActivations] {
            for (index, shape) in Self.shapes(type).enumerated() {
                let w = MatVecFixture.matrix(type, rows: shape.rows, columns: shape.columns, seed: UInt64(index))
                let x = MatVecFixture.values(shape.columns, seed: 100 + UInt64(index))
                for range in Self.ranges(shape.rows) {
                    var y = [Float](repeating: .nan, count: range.count + 1)
                    MatVec.multiply(w, x: x, into: &y, rows: range, level: level, q8: method)
                    for (i, r) in range.enumerated() {
                        let row = MatVecFixture.referenceRow(w, r)
                        let reference = MatVecFixture.referenceDot(row, x)
                        var bound = MatVecFixture.tolerance(terms: shape.columns, magnitude: reference.magnitude)
                        if method == .quantizedActivations {
                            bound += MatVecFixture.quantizedActivationError(row, x)
                            // The quantized product's own f32 rounding, on the slightly moved x.
                            bound *= 1.01
                        }
                        #expect(abs(Double(y[i]) - reference.value) <= bound,
                                "\(level) \(type) \(method) \(shape) row \(r): \(y[i]) vs \(reference.value)")
                        if method == .quantizedActivations {
                            // Against x as quantized (the encoder's bytes and scales), only f32 rounding.
                            let exact = MatVecFixture.referenceDot(row, MatVecFixture.q8RoundTrip(x))
                            #expect(abs(Double(y[i]) - exact.value)
                                <= MatVecFixture.tolerance(terms: shape.columns, magnitude: exact.magnitude))
                        }
                    }
                    #expect(y[range.count].isNaN, "wrote past the rows asked for")
                }
            }
        }
    }

    @Test(arguments: MatVecLevel.supported, WeightType.allCases)
    func accumulateRowsMatchesReference(level: MatVecLevel, type: WeightType) {
        for (index, shape) in Self.shapes(type).enumerated() {
            let w = MatVecFixture.matrix(type, rows: shape.rows, columns: shape.columns, seed: 200 + UInt64(index))
            let c = MatVecFixture.values(shape.rows, seed: 300 + UInt64(index))
            let start = MatVecFixture.values(shape.columns, seed: 400 + UInt64(index))
            for range in Self.ranges(shape.rows) {
                var y = start + [.nan]
                Array(c[range]).withUnsafeBufferPointer { coefficients in
                    MatVec.accumulateRows(w, rows: range, coefficients: coefficients.baseAddress!, into: &y, level: level)
                }
                let rows = range.map { MatVecFixture.referenceRow(w, $0) }
                for j in 0..<shape.columns {
                    var value = Double(start[j]), magnitude = abs(Double(start[j]))
                    for (i, r) in range.enumerated() {
                        value += Double(c[r]) * Double(rows[i][j])
                        magnitude += abs(Double(c[r]) * Double(rows[i][j]))
                    }
                    let bound = MatVecFixture.tolerance(terms: 2 * range.count, magnitude: magnitude)
                    #expect(abs(Double(y[j]) - value) <= bound, "\(level) \(type) \(shape) column \(j)")
                }
                #expect(y[shape.columns].isNaN, "wrote past the columns")
            }
        }
    }

    @Test(arguments: MatVecLevel.supported)
    func attentionRowHelpersMatchReference(level: MatVecLevel) {
        for (count, width, stride) in [(1, 1, 1), (5, 7, 9), (12, 64, 72), (33, 100, 100)] {
            let cache = MatVecFixture.values(count * stride, seed: UInt64(count))
            let x = MatVecFixture.values(width, seed: 500 + UInt64(width))
            let weights = MatVecFixture.values(count, seed: 600 + UInt64(count))
            var scores = [Float](repeating: .nan, count: count)
            MatVec.dotRows(cache, stride: stride, count: count, width: width, x: x, into: &scores, level: level)
            for j in 0..<count {
                let row = Array(cache[(j * stride)..<(j * stride + width)])
                let reference = MatVecFixture.referenceDot(row, x)
                #expect(abs(Double(scores[j]) - reference.value)
                    <= MatVecFixture.tolerance(terms: width, magnitude: reference.magnitude))
            }
            let start = MatVecFixture.values(width, seed: 700)
            var y = start
            MatVec.axpyRows(cache, stride: stride, count: count, width: width, weights: weights, into: &y, level: level)
            for i in 0..<width {
                var value = Double(start[i]), magnitude = abs(Double(start[i]))
                for j in 0..<count {
                    value += Double(weights[j]) * Double(cache[j * stride + i])
                    magnitude += abs(Double(weights[j]) * Double(cache[j * stride + i]))
                }
                #expect(abs(Double(y[i]) - value) <= MatVecFixture.tolerance(terms: 2 * count, magnitude: magnitude))
            }
        }
    }
}
