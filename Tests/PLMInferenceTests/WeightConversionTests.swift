import Testing
@testable import PLMInference

@Suite struct WeightConversionTests {
    /// q8_0 follows ggml's reference quantizer: scale amax/127 stored as f16, values rounded half away
    /// from zero, and decoding gives d * q.
    @Test func q8_0RoundTripsWithinHalfAStep() {
        let values: [Float] = (0..<64).map { Float($0 - 30) * 0.037 + ($0 == 5 ? 2.5 : 0) }
        var bytes = [UInt8](repeating: 0, count: WeightType.q8_0.rowBytes(columns: 64))
        bytes.withUnsafeMutableBytes { WeightConversion.encode(values, count: 64, as: .q8_0, into: $0.baseAddress!) }
        var decoded = [Float](repeating: 0, count: 64)
        bytes.withUnsafeBytes { WeightConversion.decode($0.baseAddress!, count: 64, as: .q8_0, into: &decoded) }
        for block in 0..<2 {
            let slice = values[(block * 32)..<(block * 32 + 32)]
            let step = slice.map(abs).max()! / 127
            for i in slice.indices { #expect(abs(decoded[i] - values[i]) <= step * 0.5 + 1e-3 * step) }
        }
        // The largest magnitude of a block maps to +-127.
        #expect(bytes[2 + 5] == 127)
    }

    @Test func f16RoundTripIsExactForHalfValues() {
        let values: [Float] = [0, 1, -2.5, 65504, 6.1035156e-05, 0.333251953125]
        var bytes = [UInt8](repeating: 0, count: 2 * values.count)
        bytes.withUnsafeMutableBytes { WeightConversion.encode(values, count: values.count, as: .f16, into: $0.baseAddress!) }
        var decoded = [Float](repeating: 0, count: values.count)
        bytes.withUnsafeBytes { WeightConversion.decode($0.baseAddress!, count: values.count, as: .f16, into: &decoded) }
        #expect(decoded == values)
    }
}
