import Testing
@testable import PLMInference

/// Several vectors per pass over the weights: each result against the Double reference, any count (padded
/// to passes of four), strides wider than the vectors, and results independent of the thread count.
@Suite struct MatVecBatchTests {
    @Test(arguments: MatVecLevel.supported, WeightType.allCases)
    func batchMatchesReference(level: MatVecLevel, type: WeightType) {
        let shapes = type == .q8_0 ? [(rows: 13, columns: 96), (5, 8224)] : [(rows: 13, columns: 100), (5, 8200)]
        for (rows, columns) in shapes {
            let w = MatVecFixture.matrix(type, rows: rows, columns: columns, seed: 31)
            let references = (0..<rows).map { MatVecFixture.referenceRow(w, $0) }
            for count in [1, 3, 4, 6] {
                let xStride = columns + 3, yStride = rows + 2
                let xs = MatVecFixture.values(count * xStride, seed: 32 + UInt64(count))
                var ys = [Float](repeating: .nan, count: count * yStride)
                MatVec.multiply(w, batch: xs, count: count, xStride: xStride, into: &ys, yStride: yStride, threads: 1,
                                level: level)
                for j in 0..<count {
                    let x = Array(xs[(j * xStride)..<(j * xStride + columns)])
                    for r in 0..<rows {
                        let reference = MatVecFixture.referenceDot(references[r], x)
                        let bound = MatVecFixture.tolerance(terms: columns, magnitude: reference.magnitude)
                        #expect(abs(Double(ys[j * yStride + r]) - reference.value) <= bound,
                                "\(level) \(type) \(rows)x\(columns) count \(count) vector \(j) row \(r)")
                    }
                    // The gap between results is left alone.
                    #expect(ys[j * yStride + rows].isNaN && ys[j * yStride + rows + 1].isNaN)
                }
            }
        }
    }

    @Test(arguments: MatVecLevel.supported, WeightType.allCases)
    func batchThreadCountDoesNotChangeResults(level: MatVecLevel, type: WeightType) {
        let w = MatVecFixture.matrix(type, rows: 301, columns: 1024, seed: 41)
        let xs = MatVecFixture.values(5 * 1024, seed: 42)
        var single = [Float](repeating: 0, count: 5 * 301)
        MatVec.multiply(w, batch: xs, count: 5, xStride: 1024, into: &single, yStride: 301, threads: 1, level: level)
        for threads in [2, 3] {
            var split = [Float](repeating: 0, count: 5 * 301)
            MatVec.multiply(w, batch: xs, count: 5, xStride: 1024, into: &split, yStride: 301, threads: threads,
                            level: level)
            #expect(split.map(\.bitPattern) == single.map(\.bitPattern), "\(threads) threads")
        }
    }
}
