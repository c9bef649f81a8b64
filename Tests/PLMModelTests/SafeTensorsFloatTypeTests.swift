import Foundation
import Testing
@testable import PLMModel

@Suite struct SafeTensorsFloatTypeTests {
    /// f32 bits, then the bf16 and f16 bits PyTorch 2 gives for them (`t.to(torch.bfloat16)`,
    /// `t.to(torch.float16)`): ties to even, overflow to infinity, subnormals.
    static let torchRounding: [(f32: UInt32, bf16: UInt16, f16: UInt16)] = [
        (0x3F80_0000, 0x3F80, 0x3C00),  // 1.0
        (0x3F80_8000, 0x3F80, 0x3C04),  // 1.00390625: a bf16 tie, rounds down to even
        (0x3F80_C000, 0x3F81, 0x3C06),  // 1.005859375: above the tie, rounds up
        (0x3F81_0000, 0x3F81, 0x3C08),  // 1.0078125
        (0xC049_0FDB, 0xC049, 0xC248),  // -pi
        (0x0001_16C2, 0x0001, 0x0000),  // 1e-40 (an f32 subnormal)
        (0x7F61_B1E6, 0x7F62, 0x7C00),  // 3e38
        (0x477F_E000, 0x4780, 0x7BFF),  // 65504, the largest half
        (0x3727_C5AC, 0x3728, 0x00A8),  // 1e-5, a half subnormal
        (0x3DCC_CCCD, 0x3DCD, 0x2E66),  // 0.1
        (0x3380_0000, 0x3380, 0x0001),  // 2^-24, the smallest half
        (0x47F1_2065, 0x47F1, 0x7C00),  // 123456.789: beyond half range
        (0x7F80_0000, 0x7F80, 0x7C00),  // inf
        (0x8000_0000, 0x8000, 0x8000),  // -0
    ]

    @Test func writingRoundsLikePyTorch() {
        for row in Self.torchRounding {
            let value = Float(bitPattern: row.f32)
            #expect(SafeTensorsFloatType.floatToBFloat16(value) == row.bf16, "bf16 of \(value)")
            var bytes = [UInt8](repeating: 0, count: 2)
            bytes.withUnsafeMutableBytes { SafeTensorsFloatType.f16.fromFloat([value], count: 1, into: $0.baseAddress!) }
            #expect(UInt16(bytes[0]) | UInt16(bytes[1]) << 8 == row.f16, "f16 of \(value)")
        }
        #expect(SafeTensorsFloatType.floatToBFloat16(.nan) == 0x7FC0)
    }

    /// Every one of the 65,536 halves converts exactly as the standard library's Float16 does (NaNs:
    /// any quiet NaN of the same sign).
    @Test func halfConversionIsExactForEveryBitPattern() {
        for bits in 0...UInt16.max {
            let ours = SafeTensorsFloatType.halfToFloat(bits)
            let reference = Float(Float16(bitPattern: bits))
            if reference.isNaN {
                #expect(ours.isNaN && ours.sign == reference.sign, "half 0x\(String(bits, radix: 16))")
            } else {
                #expect(ours.bitPattern == reference.bitPattern, "half 0x\(String(bits, radix: 16))")
            }
        }
    }

    @Test func bfloat16ReadingIsTheTopHalf() {
        for bits: UInt16 in [0, 1, 0x3F80, 0x8000, 0x7F80, 0xFF7F, 0x0080] {
            #expect(SafeTensorsFloatType.bfloat16ToFloat(bits).bitPattern == UInt32(bits) << 16)
        }
    }

    /// Conversion reads its source at any alignment (a 2-byte tensor after an odd-length one).
    @Test func convertsFromUnalignedSources() {
        let values: [Float] = [1, -2.5, 0.1, 3e-6, 65504, -0.0]
        for type in SafeTensorsFloatType.allCases {
            var bytes = [UInt8](repeating: 0xAA, count: 1 + values.count * type.byteSize)
            bytes.withUnsafeMutableBytes { type.fromFloat(values, count: values.count, into: $0.baseAddress! + 1) }
            var back = [Float](repeating: .nan, count: values.count)
            bytes.withUnsafeBytes { type.toFloat($0.baseAddress! + 1, count: values.count, into: &back) }
            let expected = HFFolderFixture.expected(values, type)
            #expect(back.map(\.bitPattern) == expected.map(\.bitPattern), "\(type)")
        }
    }
}
