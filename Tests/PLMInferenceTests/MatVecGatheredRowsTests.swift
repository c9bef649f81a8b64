import InferenceKernels
import Testing
@testable import PLMInference

/// `MatVec.multiplyRows`, the up_proj rows a predictor chose: each row's value is the one the full
/// product gives it, bit for bit, at every kernel level, for every weight type and both ways of taking x
/// into q8_0 products (the quantized way runs the gathered kernel, four rows at a time).
@Suite struct MatVecGatheredRowsTests {
    @Test(arguments: [WeightType.f32, .f16, .q8_0])
    func chosenRowsEqualTheFullProductsRows(type: WeightType) {
        let rows = 61, columns = 96
        let w = MatVecFixture.matrix(type, rows: rows, columns: columns, seed: 31)
        let x = MatVecFixture.values(columns, seed: 32)
        // Runs of consecutive rows, single rows, the first and the last; a count that leaves a tail of 4.
        let chosen: [Int32] = [0, 1, 2, 7, 9, 10, 11, 12, 13, 20, 33, 34, 47, 59, 60]
        let methods: [Q8Method?] = type == .q8_0 ? Q8Method.allCases : [nil]
        for level in MatVecLevel.allCases where level.isSupported {
            for method in methods {
                var full = [Float](repeating: 0, count: rows)
                MatVec.multiply(w, x: x, into: &full, threads: 1, level: level, q8: method)
                for threads in [1, 3] {
                    var y = [Float](repeating: .nan, count: chosen.count)
                    MatVec.multiplyRows(w, indices: chosen, count: chosen.count, x: x, into: &y, threads: threads,
                                        level: level, q8: method)
                    #expect(y == chosen.map { full[Int($0)] },
                            "\(type) \(level) \(String(describing: method)) threads \(threads)")
                }
            }
        }
    }
}
