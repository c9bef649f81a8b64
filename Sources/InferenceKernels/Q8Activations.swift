// x quantized to q8_0 for a q8_0 x q8_0 product, as ggml does for q8_0 weights (its vec_dot_q8_0_q8_0):
// integer products of the weights' bytes with x's bytes, one scale multiply per block.
//
// The rule is WeightConversion.encode's (ggml's quantize_row_q8_0_ref): per block of 32, d = amax / 127,
// q = round(x / d) half away from zero (computed with the f32 reciprocal of d), d kept as the f16 that a
// q8_0 block stores. The product then sees x' = f16(d) * q instead of x: per value an error of at most
// d/2 from the rounding plus 127 * |d - f16(d)| from the scale, where |d - f16(d)| <= d * 2^-11 while d
// is a normal f16 (amax >= 127 * 2^-14, about 0.0078) and <= 2^-25 below. So at most
// 0.5625 * d = 0.5625 * amax / 127 (0.44% of the block's largest |x|) for blocks that are not tiny.

/// Where one quantized x lives: caller-owned memory of `Q8ActivationLayout.bytes(blocks:)` bytes,
/// 64-byte aligned.
public struct Q8ActivationLayout {
    public let blocks: Int
    /// 32 signed bytes per block.
    public let quants: UnsafeMutableRawPointer
    /// One Float per block: its scale (the f16 value, widened).
    public let scales: UnsafeMutablePointer<Float>

    /// Bytes of memory one quantized vector of `blocks` blocks needs.
    @inlinable
    public static func bytes(blocks: Int) -> Int { blocks &* 36 }

    /// The two arrays, one after the other in `memory`.
    @inlinable
    public init(blocks: Int, memory: UnsafeMutableRawPointer) {
        self.blocks = blocks
        quants = memory
        scales = (memory + blocks &* 32).assumingMemoryBound(to: Float.self)
    }
}

/// Quantizes `32 * layout.blocks` floats of x into `layout`.
@inlinable
public func quantizeQ8Activations<Level: KernelLevel>(
    _: Level.Type, _ x: UnsafePointer<Float>, into layout: Q8ActivationLayout
) {
    let width = Level.width
    for block in 0..<layout.blocks {
        let values = UnsafeRawPointer(x + block &* 32)
        // amax over the block, in vectors.
        var largest = Level.Vector(), finite = Level.Vector()
        var lane = 0
        while lane < 32 {
            let v = Level.Vector.load(values + lane &* 4)
            largest = lanewiseMax(largest, magnitude(v))
            finite += v * 0  // stays 0 unless a lane is NaN or infinite (which `lanewiseMax` may drop)
            lane &+= width
        }
        let amax = finite.sum() == 0 ? largest.max() : .nan
        let quants = layout.quants + block &* 32
        guard amax.isFinite else {
            // A NaN or infinity has no q8_0 form (the scalar encoder would trap): the block's products
            // become NaN, as they would with x in f32.
            quants.initializeMemory(as: UInt8.self, repeating: 0, count: 32)
            layout.scales[block] = .nan
            continue
        }
        let d = amax / 127
        let inverse: Float = d != 0 ? 1 / d : 0
        lane = 0
        while lane < 32 {
            let scaled = Level.Vector.load(values + lane &* 4) * inverse
            for index in 0..<width {
                // |scaled| <= 127 (up to rounding), so the rounded value is an integer below 2^22: adding
                // 1.5 * 2^23 puts it, in two's complement, in the low bits of the sum's pattern. Read from
                // there without `Int8(_:)`'s range check, which kept this loop scalar and took as long as
                // the sparse product it feeds.
                let shifted = scaled[index].rounded() + 12_582_912
                quants.storeBytes(of: UInt8(truncatingIfNeeded: shifted.bitPattern), toByteOffset: lane &+ index, as: UInt8.self)
            }
            lane &+= width
        }
        layout.scales[block] = Float(Float16(d))
    }
}

/// The larger of a and b lane by lane, for lanes that are not NaN (one `vmaxps`; the standard library's
/// `pointwiseMax` stayed an out-of-line call per vector here).
@inlinable @inline(__always)
func lanewiseMax<V: KernelVector>(_ a: V, _ b: V) -> V {
    var result = V()
    for lane in 0..<V.scalarCount { result[lane] = a[lane] > b[lane] ? a[lane] : b[lane] }
    return result
}

/// |v| lane by lane (SIMD floats have no `magnitude`; LLVM turns this into one `and`).
@inlinable @inline(__always)
func magnitude<V: KernelVector>(_ v: V) -> V {
    var result = V()
    for lane in 0..<V.scalarCount { result[lane] = v[lane].magnitude }
    return result
}
