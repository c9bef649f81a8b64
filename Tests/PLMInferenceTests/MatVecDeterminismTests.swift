import CorpusIO
import Shards
import Testing
@testable import PLMInference

/// What the engine relies on besides accuracy: a row's result does not depend on the thread count or on
/// which rows were computed with it, and decoding to f32 is exact.
@Suite struct MatVecDeterminismTests {
    /// Short rows (taken one at a time) and long rows (taken four at a time), each 1 MiB and more of
    /// weights so that the threaded form really splits the rows.
    @Test(arguments: MatVecLevel.supported, WeightType.allCases)
    func threadCountDoesNotChangeResults(level: MatVecLevel, type: WeightType) {
        for (rows, columns) in [(301, 1024), (37, 8224)] {
            let w = MatVecFixture.matrix(type, rows: rows, columns: columns, seed: 7)
            let x = MatVecFixture.values(columns, seed: 8)
            for method in type == .q8_0 ? Q8Method.allCases : [.floatActivations] {
                var single = [Float](repeating: 0, count: w.rows)
                MatVec.multiply(w, x: x, into: &single, threads: 1, level: level, q8: method)
                for threads in [2, 3, 7] {
                    var split = [Float](repeating: 0, count: w.rows)
                    MatVec.multiply(w, x: x, into: &split, threads: threads, level: level, q8: method)
                    #expect(split.map(\.bitPattern) == single.map(\.bitPattern), "\(method), \(threads) threads")
                }
                // Any row range gives the same bits for its rows as the whole matrix.
                for range in [0..<1, 3..<10, 13..<(rows - 2), (rows - 4)..<rows] {
                    var part = [Float](repeating: 0, count: range.count)
                    MatVec.multiply(w, x: x, into: &part, rows: range, level: level, q8: method)
                    #expect(part.map(\.bitPattern) == single[range].map(\.bitPattern), "\(method), rows \(range)")
                }
            }
        }
    }

    /// Every f16 bit pattern (NaNs, infinities and subnormals included) widens to the same f32 bits as the
    /// scalar reference.
    @Test(arguments: MatVecLevel.supported)
    func decodeRowsF16IsBitExact(level: MatVecLevel) {
        let rows = 1024, columns = 64
        let storage = WeightStorage(allocating: rows * columns * 2)
        let halves = storage.base.assumingMemoryBound(to: UInt16.self)
        for i in 0..<(rows * columns) { halves[i] = UInt16(i) }
        let w = WeightMatrix(type: .f16, rows: rows, columns: columns, data: storage.base, storage: storage)
        expectDecodeMatchesReference(w, level: level)
    }

    /// q8_0 blocks with arbitrary scale bits and every byte value decode to the scalar reference's bits.
    @Test(arguments: MatVecLevel.supported)
    func decodeRowsQ8IsBitExact(level: MatVecLevel) {
        let rows = 37, columns = 96
        let storage = WeightStorage(allocating: rows * WeightType.q8_0.rowBytes(columns: columns))
        var random = SeededRandom(seed: 11)
        let bytes = storage.base.assumingMemoryBound(to: UInt8.self)
        for i in 0..<storage.byteCount { bytes[i] = UInt8(truncatingIfNeeded: random.next()) }
        // Ordinary scales in most blocks (random bits give many infinities and NaNs).
        for block in stride(from: 0, to: rows * columns / 32, by: 2) {
            storage.base.storeBytes(of: Float16(Float.random(in: 0.001...0.1, using: &random)).bitPattern,
                                    toByteOffset: block * 34, as: UInt16.self)
        }
        let w = WeightMatrix(type: .q8_0, rows: rows, columns: columns, data: storage.base, storage: storage)
        expectDecodeMatchesReference(w, level: level)
    }

    @Test(arguments: MatVecLevel.supported)
    func decodeRowsF32Copies(level: MatVecLevel) {
        let w = MatVecFixture.matrix(.f32, rows: 5, columns: 13, seed: 3)
        expectDecodeMatchesReference(w, level: level)
    }

    private func expectDecodeMatchesReference(_ w: WeightMatrix, level: MatVecLevel) {
        for range in [0..<w.rows, 1..<(w.rows - 1)] {
            var fast = [Float](repeating: 0, count: range.count * w.columns)
            MatVec.decodeRows(w, range, into: &fast, level: level)
            var reference = [Float](repeating: 0, count: range.count * w.columns)
            for (i, r) in range.enumerated() {
                reference.withUnsafeMutableBufferPointer { buffer in
                    WeightConversion.decode(w.row(r), count: w.columns, as: w.type,
                                            into: buffer.baseAddress! + i * w.columns)
                }
            }
            let mismatches = zip(fast, reference).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(mismatches == 0, "\(level) \(w.type) rows \(range): \(mismatches) values differ")
        }
    }

    @Test func levelChoiceRefusesUnknownAndUnsupportedLevels() {
        #expect(MatVecLevel.supported.first == .portable)
        #expect(MatVecLevel.supported.contains(MatVecLevel.active))
        #expect((try? MatVecLevel.choose(requested: "Portable").get()) == .portable)
        #expect((try? MatVecLevel.choose(requested: "sse9").get()) == nil)
        for level in MatVecLevel.allCases {
            #expect((try? MatVecLevel.choose(requested: level.rawValue).get()) == (level.isSupported ? level : nil))
        }
    }
}
