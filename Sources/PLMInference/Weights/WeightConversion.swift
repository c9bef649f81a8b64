/// Conversions between f32 rows and the stored types, with ggml's exact rules so that a file we write
/// holds the bytes llama.cpp's own converter would write for the same values:
/// - f16: round to nearest even (`Float16(x)`), as `GGML_FP32_TO_FP16`.
/// - q8_0 (`quantize_row_q8_0_ref`): per block of 32, amax = max |x|, d = amax / 127, q = round(x / d)
///   (half away from zero, as C's roundf) computed with the f32 reciprocal of d; d is stored as f16.
public enum WeightConversion {
    /// Encodes `count` floats (a whole number of blocks) as `type` into `destination`
    /// (`type.rowBytes(columns: count)` bytes).
    public static func encode(_ source: UnsafePointer<Float>, count: Int, as type: WeightType,
                              into destination: UnsafeMutableRawPointer) {
        switch type {
        case .f32:
            destination.copyMemory(from: source, byteCount: count * 4)
        case .f16:
            let out = destination.assumingMemoryBound(to: UInt16.self)
            for i in 0..<count { out[i] = Float16(source[i]).bitPattern }
        case .q8_0:
            precondition(count % Q8_0.blockValues == 0, "q8_0 rows hold whole blocks of 32")
            for block in 0..<(count / Q8_0.blockValues) {
                let x = source + block * Q8_0.blockValues
                let out = destination + block * Q8_0.blockBytes
                var amax: Float = 0
                for j in 0..<Q8_0.blockValues { amax = max(amax, abs(x[j])) }
                let d = amax / 127
                let inverse: Float = d != 0 ? 1 / d : 0
                out.storeBytes(of: Float16(d).bitPattern, as: UInt16.self)
                let q = (out + 2).assumingMemoryBound(to: Int8.self)
                for j in 0..<Q8_0.blockValues { q[j] = Int8((x[j] * inverse).rounded()) }
            }
        }
    }

    /// Decodes `count` values (a whole number of blocks) of `type` from `source` into floats.
    public static func decode(_ source: UnsafeRawPointer, count: Int, as type: WeightType,
                              into destination: UnsafeMutablePointer<Float>) {
        switch type {
        case .f32:
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
        case .f16:
            for i in 0..<count {
                destination[i] = Float(Float16(bitPattern: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .q8_0:
            precondition(count % Q8_0.blockValues == 0, "q8_0 rows hold whole blocks of 32")
            for block in 0..<(count / Q8_0.blockValues) {
                let base = source + block * Q8_0.blockBytes
                let d = Float(Float16(bitPattern: base.loadUnaligned(as: UInt16.self)))
                let out = destination + block * Q8_0.blockValues
                for j in 0..<Q8_0.blockValues {
                    out[j] = d * Float(base.load(fromByteOffset: 2 + j, as: Int8.self))
                }
            }
        }
    }

    /// Decodes one value stored as bf16 (the top half of an f32).
    @inline(__always)
    public static func bfloat16(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }
}
