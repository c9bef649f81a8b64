/// The safetensors element types the model reads (converted to f32) and writes. Other dtypes (I8,
/// F64, F8 ...) are parsed in headers, so a file holding them opens, but reading such a tensor is an
/// error naming it and its dtype.
///
/// Rounding, written down once:
/// - Reading is exact: a BF16 value is the top 16 bits of an f32 and an F16 value (IEEE binary16,
///   subnormals included) is exactly representable as an f32, so `toFloat` loses nothing.
/// - Writing F16 rounds to nearest even (`Float16(x)`, as PyTorch and ggml do).
/// - Writing BF16 rounds to nearest even with PyTorch's rule (`c10::BFloat16`): add 0x7FFF plus the
///   lowest kept bit, keep the top half; NaN becomes 0x7FC0. A Hugging Face checkpoint saved in
///   bfloat16 from f32 weights was rounded this way, so reading it gives these values back.
public enum SafeTensorsFloatType: String, Sendable, CaseIterable, Codable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    /// Bytes per element.
    public var byteSize: Int { self == .f32 ? 4 : 2 }

    // MARK: Reading (exact)

    /// Converts `count` little-endian elements of this type at `source` (any alignment) to f32.
    /// Branch-free loops over plain loads, which the optimizer vectorizes: a 1.8B checkpoint converts
    /// in seconds.
    public func toFloat(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        switch self {
        case .f32:
            #if _endian(little)
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
            #else
            for i in 0..<count {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
            #endif
        case .bf16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Self.bfloat16ToFloat(bits)
            }
        case .f16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Self.halfToFloat(bits)
            }
        }
    }

    /// A bf16 value: its 16 bits are the top half of the f32.
    @inline(__always)
    public static func bfloat16ToFloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// An IEEE half, converted exactly with integer operations and selects only (no table, no
    /// dependence on the CPU's half-precision instructions or on denormal modes): normal values move
    /// their exponent from bias 15 to bias 127, subnormals are their 10-bit mantissa times 2^-24, and
    /// infinities and NaNs keep their payload with the quiet bit set (as hardware conversion does).
    @inline(__always)
    public static func halfToFloat(_ bits: UInt16) -> Float {
        let h = UInt32(bits)
        let sign = (h & 0x8000) << 16
        let magnitude = h & 0x7FFF
        let normal = (magnitude << 13) &+ 0x3800_0000                 // exponent + (127 - 15)
        let subnormal = (Float(magnitude) * 0x1p-24).bitPattern       // exact: a power-of-two scale of a normal
        let special = (magnitude << 13) | 0x7F80_0000 | (magnitude > 0x7C00 ? 0x0040_0000 : 0)
        let value = magnitude < 0x0400 ? subnormal : (magnitude >= 0x7C00 ? special : normal)
        return Float(bitPattern: value | sign)
    }

    // MARK: Writing (rounded to nearest even)

    /// Converts `count` floats to this type, little-endian, into `destination` (`count * byteSize` bytes).
    public func fromFloat(_ source: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer) {
        switch self {
        case .f32:
            for i in 0..<count {
                destination.storeBytes(of: source[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
        case .bf16:
            for i in 0..<count {
                destination.storeBytes(of: Self.floatToBFloat16(source[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        case .f16:
            for i in 0..<count {
                destination.storeBytes(of: Float16(source[i]).bitPattern.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        }
    }

    /// PyTorch's f32 -> bf16 rounding (`c10::detail::round_to_nearest_even`).
    @inline(__always)
    public static func floatToBFloat16(_ value: Float) -> UInt16 {
        if value.isNaN { return 0x7FC0 }
        let bits = value.bitPattern
        let roundingBias = ((bits >> 16) & 1) &+ 0x7FFF
        return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }
}
