/// What a kernel level brings to the generic bodies: its vector type and whether a fused multiply-add
/// is a single instruction. The bodies are specialised for a level inside the module compiled for it,
/// so both are compile-time facts there and the `if` below folds away.
public protocol KernelLevel {
    associatedtype Vector: KernelVector
    /// True where `fma` is a hardware instruction. Without it (plain x86-64), `addProduct` would become a
    /// call into libm's software fmaf per lane, so the bodies multiply and add separately instead.
    static var hasFusedMultiplyAdd: Bool { get }
    /// Independent fma chains per row in the single-vector products (2 or 4). A chain adds one vector
    /// per fma latency (4 cycles on Zen 4), so two chains of 8 lanes cap a core at 16 halves per 4
    /// cycles, below the memory's pace; four reach it. Levels with 16 vector registers keep two: four
    /// rows of four chains would spill.
    static var rowChains: Int { get }
}

extension KernelLevel {
    @inlinable public static var rowChains: Int { 2 }

    /// Vector lanes.
    @inlinable @inline(__always)
    static var width: Int { Vector.scalarCount }

    /// `sum + a * b`, fused where the level has fma.
    @inlinable @inline(__always)
    static func multiplyAdd(_ sum: inout Vector, _ a: Vector, _ b: Vector) {
        if hasFusedMultiplyAdd { sum.addProduct(a, b) } else { sum += a * b }
    }

    /// The scalar form, used for the columns after the last whole vector.
    @inlinable @inline(__always)
    static func multiplyAdd(_ sum: inout Float, _ a: Float, _ b: Float) {
        if hasFusedMultiplyAdd { sum.addProduct(a, b) } else { sum += a * b }
    }
}

/// The level every CPU runs: 8-lane vectors of the baseline instruction set (two SSE registers on
/// x86-64, two NEON registers on arm64).
public enum PortableLevel: KernelLevel {
    public typealias Vector = SIMD8<Float>
    #if arch(arm64)
    @inlinable public static var hasFusedMultiplyAdd: Bool { true }
    #else
    @inlinable public static var hasFusedMultiplyAdd: Bool { false }
    #endif
}

/// Haswell-class x86 (AVX2, FMA, F16C): 8 lanes of 32-bit floats in one ymm register.
public enum AVX2Level: KernelLevel {
    public typealias Vector = SIMD8<Float>
    @inlinable public static var hasFusedMultiplyAdd: Bool { true }
}

/// AVX-512 x86 (F, CD, BW, DQ, VL) for products that stream their weights from memory: 8 lanes (ymm),
/// with AVX-512's encodings and 32 registers. On the reference machine (Zen 4, which runs 512-bit
/// instructions as two halves) 512-bit loads streamed from memory about 10% slower than 256-bit ones,
/// and the single-vector products are memory-bound; zmm won only when the matrix sat in the caches.
public enum AVX512Level: KernelLevel {
    public typealias Vector = SIMD8<Float>
    @inlinable public static var hasFusedMultiplyAdd: Bool { true }
    @inlinable public static var rowChains: Int { 4 }
}

/// AVX-512 x86 with 16 lanes in one zmm register, for the compute-bound kernels (batches, where each
/// weight feeds several fma). On Zen 4 they ran as fast as the 8-lane AVX2 ones (its 512-bit units are
/// two 256-bit halves); CPUs with full-width 512-bit units have twice the fma throughput to use here.
public enum AVX512WideLevel: KernelLevel {
    public typealias Vector = SIMD16<Float>
    @inlinable public static var hasFusedMultiplyAdd: Bool { true }
}
