#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif
import InferenceKernels

/// The kernels compiled for AVX-512 x86 (`-target-cpu skylake-avx512` plus VNNI: F, CD, BW, DQ, VL, VNNI). Call only after
/// checking at run time that the CPU has those features (PLMInference's `MatVec` does). This module holds
/// nothing but these entry points: the bodies are the generic ones of InferenceKernels.
public enum AVX512Kernels: MatVecKernelSet {
    @inline(never)
    public static func matVecF32(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                 x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        matVecElements(AVX512Level.self, F32Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                       columns: columns, x: x, into: y)
    }

    @inline(never)
    public static func matVecF16(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                 x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        matVecElements(AVX512Level.self, F16Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                       columns: columns, x: x, into: y)
    }

    @inline(never)
    public static func matVecQ8(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
                                x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        matVecQ8Blocks(AVX512Level.self, weights: weights, rowStride: rowStride, rows: rows, blocks: blocks,
                       x: x, into: y)
    }

    @inline(never)
    public static func accumulateF32(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                     coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        accumulateElements(AVX512Level.self, F32Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                           columns: columns, coefficients: c, into: y)
    }

    @inline(never)
    public static func accumulateF16(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                     coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        accumulateElements(AVX512Level.self, F16Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                           columns: columns, coefficients: c, into: y)
    }

    @inline(never)
    public static func accumulateQ8(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
                                    coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        accumulateQ8Blocks(AVX512Level.self, weights: weights, rowStride: rowStride, rows: rows, blocks: blocks,
                           coefficients: c, into: y)
    }

    @inline(never)
    public static func decodeF16(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        decodeHalves(AVX512Level.self, source, count: count, into: destination)
    }

    @inline(never)
    public static func decodeQ8(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        decodeQ8Blocks(AVX512Level.self, source, blocks: blocks, into: destination)
    }

    @inline(never)
    public static func matVecF32Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                       batch: Batch4) {
        matVecElementsBatch4(AVX512Level.self, F32Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                             columns: columns, batch: batch)
    }

    @inline(never)
    public static func matVecF16Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                       batch: Batch4) {
        matVecElementsBatch4(AVX512Level.self, F16Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                             columns: columns, batch: batch)
    }

    @inline(never)
    public static func matVecQ8Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
                                      batch: Batch4) {
        matVecQ8BlocksBatch4(AVX512Level.self, weights: weights, rowStride: rowStride, rows: rows, blocks: blocks,
                             batch: batch)
    }

    @inline(never)
    public static func quantizeQ8Activations(_ x: UnsafePointer<Float>, into layout: Q8ActivationLayout) {
        InferenceKernels.quantizeQ8Activations(AVX512Level.self, x, into: layout)
    }

    @inline(never)
    public static func matVecQ8Activations(weights: UnsafeRawPointer, rowStride: Int, rows: Int,
                                           activations: Q8ActivationLayout, into y: UnsafeMutablePointer<Float>) {
        InferenceKernels.matVecQ8Activations(AVX512VNNILevel.self, weights: weights, rowStride: rowStride, rows: rows,
                                             activations: activations, into: y)
    }
}

/// AVX-512 with VNNI for q8_0 x q8_0 products: two blocks per zmm register. vpdpbusd multiplies
/// unsigned by signed bytes and adds each group of 4 products to a 32-bit lane; the weights are made
/// unsigned by adding 128 (flipping the top bit), and the lane starts from x's correction
/// -128 * (sum of its 4 bytes), which takes the bias out again, exactly. (Kept in this file, beside the
/// entry point: in debug builds each file is optimised alone, and the step must be inlined.)
public enum AVX512VNNILevel: ByteDotLevel {
    public typealias Vector = SIMD16<Float>
    @inlinable public static var hasFusedMultiplyAdd: Bool { true }
    @inlinable public static var blocksPerVector: Int { 2 }

    @inline(__always)
    public static func spread(_ first: Float, _ second: Float) -> SIMD16<Float> {
        SIMD16(lowHalf: SIMD8(repeating: first), highHalf: SIMD8(repeating: second))
    }

    @inline(__always)
    public static func byteDots(_ weights: UnsafeRawPointer, count: Int, quants: UnsafeRawPointer,
                                corrections: UnsafeRawPointer) -> SIMD16<Float> {
        #if arch(x86_64)
        let low = weights.loadUnaligned(fromByteOffset: 2, as: SIMD4<Int64>.self)
        // A missing second block reads as zeros; x's padding block is zero too, so its lanes stay 0.
        let high = count == 2 ? weights.loadUnaligned(fromByteOffset: 36, as: SIMD4<Int64>.self) : SIMD4<Int64>()
        let biased = _mm512_xor_si512(SIMD8<Int64>(lowHalf: low, highHalf: high), _mm512_set1_epi8(-128))
        let sums = _mm512_dpbusd_epi32(corrections.loadUnaligned(as: SIMD8<Int64>.self), biased,
                                       quants.loadUnaligned(as: SIMD8<Int64>.self))
        return _mm512_cvtepi32_ps(sums)
        #else
        fatalError("AVX-512 kernels run on x86-64 only")
        #endif
    }
}
