import InferenceKernels
import Testing
@testable import PLMInference

/// How the sparse down projection finds a token's active columns: the byte mask of q8_0 plans, the
/// float listing of f32 and f16, and the plan made straight from x's quantized bytes.
@Suite struct SparseListingTests {
    @Test func nonzeroBytesMarksExactlyTheNonzeroBytes() {
        var state: UInt64 = 7
        var words: [UInt64] = [0, ~0, 0x80, 0x8000_0000_0000_0000, 0x0100_0000_0000_0001, 0x7f00_ff00_0080_0001]
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Each byte zero with probability about 1/2, else any value (0x80 and 0x7f included).
            var word: UInt64 = 0
            for k in 0..<8 where (state >> (56 + UInt64(k))) & 1 == 1 {
                word |= ((state >> UInt64(k * 7)) & 0xff | 1) << UInt64(k * 8)
            }
            words.append(word)
        }
        for word in words {
            var expected: UInt64 = 0
            for k in 0..<8 where (word >> UInt64(k * 8)) & 0xff != 0 { expected |= 1 << UInt64(k) }
            #expect(nonzeroBytes(word) == expected, "word \(String(word, radix: 16))")
        }
    }

    /// NaN or infinity in x makes every output NaN, as in the dense product, on every path and level.
    @Test(arguments: [WeightType.f32, .f16, .q8_0], [Float.nan, .infinity])
    func nonFiniteActivationsGiveNaNAsTheDenseProductDoes(type: WeightType, bad: Float) {
        let outputs = 40, inputs = 64
        let dense = WeightMatrix.converting(MatVecFixture.values(outputs * inputs, seed: 41), rows: outputs,
                                            columns: inputs, to: type, threads: 1)
        let sparse = SparseDownProjection(transposing: dense, threads: 1)
        var a = MatVecFixture.values(inputs, seed: 42).map { max(0, $0) }
        a[37] = bad
        let methods: [Q8Method?] = type == .q8_0 ? Q8Method.allCases : [nil]
        for level in MatVecLevel.allCases where level.isSupported {
            for method in methods {
                var expected = [Float](repeating: 0, count: outputs)
                MatVec.multiply(dense, x: a, into: &expected, rows: 0..<outputs, level: level, q8: method)
                var y = [Float](repeating: 0, count: outputs)
                var indices = [Int32](repeating: 0, count: inputs), coefficients = [Float](repeating: 0, count: inputs)
                sparse.accumulate(a, into: &y, indices: &indices, coefficients: &coefficients, threads: 1,
                                  level: level, q8: method)
                #expect(expected.allSatisfy { !$0.isFinite }, "the dense product's own rule")
                #expect(y.allSatisfy { !$0.isFinite }, "\(type) \(level) \(String(describing: method)) \(bad)")
            }
        }
    }

    @Test(arguments: [0, 5, 32, 70, 2048])
    func listNonzeroListsTheNonzeroEntriesInOrder(count: Int) {
        var a = MatVecFixture.values(count, seed: 3).map { $0 > 0.3 ? $0 : 0 }
        if count > 40 {
            a[1] = -0.0  // counts as zero, as `a[j] != 0` says
            a[33] = .nan  // counts as not zero
            a[34] = -2
            a[count - 1] = 1  // in the tail when count is not a multiple of 32
        }
        var indices = [Int32](repeating: -1, count: count), values = [Float](repeating: 0, count: count)
        let listed = listNonzero(a, count: count, indices: &indices, values: &values)
        let expected = a.indices.filter { !(a[$0] == 0) }
        #expect(listed == expected.count)
        #expect(indices[0..<listed].map(Int.init) == expected)
        for (k, j) in expected.enumerated() {
            #expect(values[k].bitPattern == a[j].bitPattern)
        }
    }

    /// The plan from x's bytes lists each block's non-zero bytes in order, pads each group to a multiple
    /// of four with zero weights on its first row, and skips all-zero blocks.
    @Test func aPlanFromQuantizedBytesGroupsTheNonzeroOnes() {
        let blocks = 4, stride = 40
        var x = [Float](repeating: 0, count: blocks * 32)
        x[0] = 1; x[5] = 2; x[31] = -3  // block 0: three active, padded to four
        for j in 64..<69 { x[j] = Float(j - 60) }  // block 2: five active, padded to eight
        let memory = UnsafeMutableRawPointer.allocate(byteCount: Q8ActivationLayout.bytes(blocks: blocks), alignment: 64)
        defer { memory.deallocate() }
        let layout = Q8ActivationLayout(blocks: blocks, memory: memory)
        MatVec.kernels(.portable).quantizeQ8Activations(x, into: layout)
        let capacity = Q8GatherPlan.capacity(blocks: blocks)
        var rowOffsets = [Int](repeating: -1, count: capacity.slots), weights = [Float](repeating: .nan, count: capacity.slots)
        var groups = [Int32](repeating: -1, count: 2 * capacity.groups + capacity.slots / 2)
        rowOffsets.withUnsafeMutableBufferPointer { offsets in
        weights.withUnsafeMutableBufferPointer { weights in
        groups.withUnsafeMutableBufferPointer { groups in
            let plan = Q8GatherPlan(quantized: layout, rowStride: stride, rowOffsets: offsets.baseAddress!,
                                    weights: weights.baseAddress!, blocks: groups.baseAddress!,
                                    slots: groups.baseAddress! + capacity.groups,
                                    pairs: groups.baseAddress! + 2 * capacity.groups)
            #expect(plan.active == 8)
            #expect(plan.groups == 2)
            #expect(Array(UnsafeBufferPointer(start: plan.blocks, count: 2)) == [0, 2])
            #expect(Array(UnsafeBufferPointer(start: plan.slots, count: 2)) == [4, 8])
            let columns = [0, 5, 31, 0, 64, 65, 66, 67, 68, 64, 64, 64]
            #expect(Array(UnsafeBufferPointer(start: plan.rowOffsets, count: 12)) == columns.map { $0 * stride })
            let bytes = (0..<(blocks * 32)).map { Float(layout.quants.load(fromByteOffset: $0, as: Int8.self)) }
            let expectedWeights = [bytes[0], bytes[5], bytes[31], 0, bytes[64], bytes[65], bytes[66], bytes[67], bytes[68], 0, 0, 0]
            #expect(Array(UnsafeBufferPointer(start: plan.weights, count: 12)) == expectedWeights)
            #expect(plan.pairs![0] == packedBytePair(bytes[0], bytes[5]))
            #expect(plan.blockFactors![2] == layout.scales[2])
        }
        }
        }
    }
}
