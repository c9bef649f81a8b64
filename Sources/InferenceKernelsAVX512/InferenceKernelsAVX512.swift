import InferenceKernels

/// The kernels compiled for AVX-512 x86 (`-target-cpu skylake-avx512`: F, CD, BW, DQ, VL). Call only after
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
}
