import Testing
@testable import PLMModel

/// Products are cut into blocks of rows or columns of C, one single-threaded sgemm per worker, so the
/// thread count changes who computes an element, never how it is summed.
@Suite struct BLASThreadsTests {
    @Test(arguments: [(false, true, 300, 200, 700), (true, false, 130, 610, 500), (false, false, 64, 900, 300)])
    func resultDoesNotDependOnThreads(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int) {
        let a = GradientCheck.randomValues(m * k, seed: 21), b = GradientCheck.randomValues(k * n, seed: 22)
        func product(threads: Int) -> [Float] {
            var c = [Float](repeating: 0.5, count: m * n)
            BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.75, a: a,
                       lda: transposeA ? m : k, b: b, ldb: transposeB ? k : n, beta: 1, c: &c, ldc: n,
                       threads: threads)
            return c
        }
        let one = product(threads: 1)
        #expect(product(threads: 2) == one)
        #expect(product(threads: 3) == one)
        // And it is the product: one element by hand.
        var expected: Double = 0.5
        for i in 0..<k {
            let x = transposeA ? a[i * m + 7] : a[7 * k + i], y = transposeB ? b[5 * k + i] : b[i * n + 5]
            expected += 0.75 * Double(x) * Double(y)
        }
        #expect(abs(Double(one[7 * n + 5]) - expected) < 1e-3)
    }
}
