#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif
import InferenceKernels

/// The kernels compiled for AVX-512 x86 (`-target-cpu skylake-avx512`: F, CD, BW, DQ, VL). Call only after
/// checking at run time that the CPU has those features (PLMInference's `MatVec` does). This module holds
/// nothing but these entry points and the one integer step of q8_0 products: the bodies are the generic
/// ones of InferenceKernels. Single-vector products run 8 lanes wide, batches 16 (see `AVX512Level`).
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
    public static func accumulateGatheredF32(weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>,
                                             count: Int, columns: Int, coefficients c: UnsafePointer<Float>,
                                             into y: UnsafeMutablePointer<Float>) {
        accumulateGatheredElements(AVX512Level.self, F32Elements.self, weights: weights, rowStride: rowStride, indices: indices,
                                   count: count, columns: columns, coefficients: c, into: y)
    }

    @inline(never)
    public static func accumulateGatheredF16(weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>,
                                             count: Int, columns: Int, coefficients c: UnsafePointer<Float>,
                                             into y: UnsafeMutablePointer<Float>) {
        accumulateGatheredElements(AVX512Level.self, F16Elements.self, weights: weights, rowStride: rowStride, indices: indices,
                                   count: count, columns: columns, coefficients: c, into: y)
    }

    @inline(never)
    public static func accumulateGatheredQ8(quants: UnsafeRawPointer, scales: UnsafeRawPointer, scaleStride: Int,
                                            plan: Q8GatherPlan, columns: Int, into y: UnsafeMutablePointer<Float>) {
        InferenceKernels.accumulateGatheredQ8(AVX512Level.self, AVX512ByteDotLevel.self, quants: quants, scales: scales,
                                              scaleStride: scaleStride, plan: plan, columns: columns, into: y)
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
        matVecElementsBatch4(AVX512WideLevel.self, F32Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                             columns: columns, batch: batch)
    }

    @inline(never)
    public static func matVecF16Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                       batch: Batch4) {
        matVecElementsBatch4(AVX512WideLevel.self, F16Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                             columns: columns, batch: batch)
    }

    @inline(never)
    public static func matVecQ8Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
                                      batch: Batch4) {
        matVecQ8BlocksBatch4(AVX512WideLevel.self, weights: weights, rowStride: rowStride, rows: rows, blocks: blocks,
                             batch: batch)
    }

    @inline(never)
    public static func quantizeQ8Activations(_ x: UnsafePointer<Float>, into layout: Q8ActivationLayout) {
        InferenceKernels.quantizeQ8Activations(AVX512Level.self, x, into: layout)
    }

    @inline(never)
    public static func matVecQ8ActivationsGathered(weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>,
                                                   count: Int, activations: Q8ActivationLayout,
                                                   into y: UnsafeMutablePointer<Float>) {
        InferenceKernels.matVecQ8ActivationsGathered(AVX512ByteDotLevel.self, weights: weights, rowStride: rowStride, indices: indices,
                                                     count: count, activations: activations, into: y)
    }

    @inline(never)
    public static func matVecQ8Activations(weights: UnsafeRawPointer, rowStride: Int, rows: Int,
                                           activations: Q8ActivationLayout, into y: UnsafeMutablePointer<Float>) {
        InferenceKernels.matVecQ8Activations(AVX512ByteDotLevel.self, weights: weights, rowStride: rowStride, rows: rows,
                                             activations: activations, into: y)
    }
}

/// The integer step of q8_0 x q8_0 products, as in InferenceKernelsAVX2 (vpmaddubsw on |w| and
/// x * sign(w), then vpmaddwd), one block per ymm register, compiled here for this level. VNNI's
/// vpdpbusd was measured in its place, on zmm (two blocks per register) and on ymm: on the reference
/// machine (Zen 4) it was faster only with the matrix in the caches and 10-15% slower streaming from
/// memory, where decode runs. (Kept in this file, beside the entry point: in debug builds each file is
/// optimised alone, and the step must be inlined.)
public enum AVX512ByteDotLevel: ByteDotLevel {
    public typealias Vector = SIMD8<Float>
    @inlinable public static var hasFusedMultiplyAdd: Bool { true }

    @inline(__always)
    public static func byteDots(_ weights: UnsafeRawPointer, quants: UnsafeRawPointer) -> SIMD8<Float> {
        #if arch(x86_64)
        let w = weights.loadUnaligned(fromByteOffset: 2, as: SIMD4<Int64>.self)
        let x = quants.loadUnaligned(as: SIMD4<Int64>.self)
        let pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w))
        return _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, _mm256_set1_epi16(1)))
        #else
        fatalError("AVX-512 kernels run on x86-64 only")
        #endif
    }
}

/// The integer step of the sparse q8_0 product, as in InferenceKernelsAVX2 (vpmaddwd on two rows'
/// interleaved 16-bit values), compiled here for this level.
extension AVX512ByteDotLevel: ByteRowPairLevel {
    public typealias RowPairSums = InterleavedRowSums

    @inlinable public static var zeroSums: InterleavedRowSums { InterleavedRowSums(low: SIMD4(), high: SIMD4()) }

    @inline(__always)
    public static func addRowPair(_ sums: inout InterleavedRowSums, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, pair: Int32) {
        #if arch(x86_64)
        let wa = _mm256_cvtepi8_epi16(a.loadUnaligned(as: SIMD2<Int64>.self))
        let wb = _mm256_cvtepi8_epi16(b.loadUnaligned(as: SIMD2<Int64>.self))
        let x = _mm256_set1_epi32(pair)
        sums.low = _mm256_add_epi32(sums.low, _mm256_madd_epi16(_mm256_unpacklo_epi16(wa, wb), x))
        sums.high = _mm256_add_epi32(sums.high, _mm256_madd_epi16(_mm256_unpackhi_epi16(wa, wb), x))
        #else
        fatalError("AVX-512 kernels run on x86-64 only")
        #endif
    }

    @inline(__always)
    public static func floats(_ sums: InterleavedRowSums) -> (SIMD8<Float>, SIMD8<Float>) {
        #if arch(x86_64)
        // The 128-bit halves regrouped (vperm2i128): low halves hold outputs 0-3 and 4-7, high 8-11, 12-15.
        (_mm256_cvtepi32_ps(SIMD4(lowHalf: sums.low.lowHalf, highHalf: sums.high.lowHalf)),
         _mm256_cvtepi32_ps(SIMD4(lowHalf: sums.low.highHalf, highHalf: sums.high.highHalf)))
        #else
        fatalError("AVX-512 kernels run on x86-64 only")
        #endif
    }
}
