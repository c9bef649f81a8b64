import InferenceKernels
import Testing
@testable import PLMInference

/// x quantized for q8_0 x q8_0 products: the same bytes and scales as the weight encoder (ggml's rule),
/// and products that stay finite-or-NaN instead of trapping on bad input.
@Suite struct Q8ActivationTests {
    static func quantize(_ x: [Float], level: MatVecLevel) -> (quants: [Int8], scales: [Float]) {
        let blocks = x.count / 32
        let memory = UnsafeMutableRawPointer.allocate(byteCount: Q8ActivationLayout.bytes(blocks: blocks), alignment: 64)
        defer { memory.deallocate() }
        let layout = Q8ActivationLayout(blocks: blocks, memory: memory)
        MatVec.kernels(level).quantizeQ8Activations(x, into: layout)
        let quants = (0..<(blocks * 32)).map { layout.quants.load(fromByteOffset: $0, as: Int8.self) }
        let scales = (0..<blocks).map { layout.scales[$0] }
        return (quants, scales)
    }

    @Test(arguments: MatVecLevel.supported)
    func quantizationMatchesTheWeightEncoder(level: MatVecLevel) {
        var x = MatVecFixture.values(5 * 32, seed: 21).map { $0 * 3 }
        for i in 32..<64 { x[i] = 0 }  // an all-zero block: scale 0, bytes 0
        x[70] = -7.5  // a block whose largest magnitude is negative
        for i in 128..<160 { x[i] = Float(i - 144) / 16 }  // exact multiples of the step, and halves
        let quantized = Self.quantize(x, level: level)
        var encoded = [UInt8](repeating: 0, count: WeightType.q8_0.rowBytes(columns: x.count))
        encoded.withUnsafeMutableBytes { WeightConversion.encode(x, count: x.count, as: .q8_0, into: $0.baseAddress!) }
        for block in 0..<5 {
            let base = block * 34
            let scale = Float(Float16(bitPattern: UInt16(encoded[base]) | UInt16(encoded[base + 1]) << 8))
            #expect(quantized.scales[block] == scale, "block \(block) scale")
            let bytes = encoded[(base + 2)..<(base + 34)].map { Int8(bitPattern: $0) }
            #expect(Array(quantized.quants[(block * 32)..<(block * 32 + 32)]) == bytes, "block \(block) bytes")
        }
    }

    /// A NaN or infinity in x gives NaN results for the rows, not a trap in the float-to-byte conversion.
    @Test(arguments: MatVecLevel.supported, [Float.nan, .infinity])
    func nonFiniteInputGivesNaN(level: MatVecLevel, bad: Float) {
        let w = MatVecFixture.matrix(.q8_0, rows: 5, columns: 64, seed: 4)
        var x = MatVecFixture.values(64, seed: 5)
        x[40] = bad
        var y = [Float](repeating: 0, count: 5)
        MatVec.multiply(w, x: x, into: &y, rows: 0..<5, level: level, q8: .quantizedActivations)
        #expect(y.allSatisfy { $0.isNaN })
    }

    /// Blocks of tiny values, whose scale d = amax / 127 is an f16 subnormal, still land within the bound
    /// (and on the product with x as quantized).
    @Test(arguments: MatVecLevel.supported)
    func tinyActivationsStayWithinTheBound(level: MatVecLevel) {
        let w = MatVecFixture.matrix(.q8_0, rows: 7, columns: 128, seed: 6)
        let x = MatVecFixture.values(128, seed: 7).enumerated().map { $0.element * ($0.offset < 64 ? 1e-4 : 1) }
        var y = [Float](repeating: 0, count: 7)
        MatVec.multiply(w, x: x, into: &y, rows: 0..<7, level: level, q8: .quantizedActivations)
        let quantized = MatVecFixture.q8RoundTrip(x)
        for r in 0..<7 {
            let row = MatVecFixture.referenceRow(w, r)
            let reference = MatVecFixture.referenceDot(row, x)
            let bound = MatVecFixture.tolerance(terms: 128, magnitude: reference.magnitude)
                + MatVecFixture.quantizedActivationError(row, x)
            #expect(abs(Double(y[r]) - reference.value) <= bound * 1.01)
            let exact = MatVecFixture.referenceDot(row, quantized)
            #expect(abs(Double(y[r]) - exact.value) <= MatVecFixture.tolerance(terms: 128, magnitude: exact.magnitude))
        }
    }
}
