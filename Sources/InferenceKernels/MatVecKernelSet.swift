// InferenceKernels: the matrix-vector kernels of the inference engine (f32, f16 and q8_0 weights),
// written once as generic `@inlinable` bodies over a `KernelLevel` (vector type, fma rule). The module
// is built portably; InferenceKernelsAVX2 and InferenceKernelsAVX512 are built for their CPU level and
// hold only thin entry points that instantiate the bodies, so the inlined bodies are compiled there.
// The kernels take raw pointers: the engine's weight types live in PLMInference, which picks a level.

/// The entry points of one kernel level. Each module compiled for a CPU level (this one portably,
/// InferenceKernelsAVX2, InferenceKernelsAVX512) has one enum conforming, whose functions instantiate
/// the generic bodies with that level's vector type, so the bodies are compiled for that CPU there.
/// A set's functions must only be called on a CPU that has its instructions (the caller checks).
///
/// Matrices are row-major; row r starts `r * rowStride` bytes after `weights`. q8_0 rows are counted in
/// blocks of 32 values (34 bytes each).
public protocol MatVecKernelSet {
    /// `y[r] = dot(row r, x)` for r in 0..<rows, f32 rows.
    static func matVecF32(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                          x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>)
    /// The same for f16 rows.
    static func matVecF16(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                          x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>)
    /// The same for q8_0 rows, with x in f32.
    static func matVecQ8(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
                         x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>)
    /// `y[0..<columns] += sum over r of c[r] * (row r)`, f32 rows.
    static func accumulateF32(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                              coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>)
    /// The same for f16 rows.
    static func accumulateF16(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                              coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>)
    /// The same for q8_0 rows (`32 * blocks` columns).
    static func accumulateQ8(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
                             coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>)
    /// `y[0..<columns] += sum over k of c[k] * (row indices[k])`, f32 rows (`accumulateGatheredElements`).
    static func accumulateGatheredF32(weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>, count: Int,
                                      columns: Int, coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>)
    /// The same for f16 rows.
    static func accumulateGatheredF16(weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>, count: Int,
                                      columns: Int, coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>)
    /// The same for a q8_0 matrix stored by columns, its f16 scales by block, the active columns
    /// grouped in `plan` (`accumulateGatheredQ8Blocks`).
    static func accumulateGatheredQ8(quants: UnsafeRawPointer, scales: UnsafeRawPointer, scaleStride: Int,
                                     plan: Q8GatherPlan, columns: Int, into y: UnsafeMutablePointer<Float>)
    /// `count` halves widened to floats.
    static func decodeF16(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>)
    /// `blocks` q8_0 blocks widened to floats.
    static func decodeQ8(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>)
    /// x (`32 * layout.blocks` floats) quantized to q8_0 into `layout`, for `matVecQ8Activations`.
    static func quantizeQ8Activations(_ x: UnsafePointer<Float>, into layout: Q8ActivationLayout)
    /// `y[r] = dot(row r, x')` for q8_0 rows and x' quantized by `quantizeQ8Activations`.
    static func matVecQ8Activations(weights: UnsafeRawPointer, rowStride: Int, rows: Int,
                                    activations: Q8ActivationLayout, into y: UnsafeMutablePointer<Float>)
    /// `y[k] = dot(row indices[k], x')` for k in 0..<count, q8_0 rows and x' as above.
    static func matVecQ8ActivationsGathered(weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>,
                                            count: Int, activations: Q8ActivationLayout, into y: UnsafeMutablePointer<Float>)
    /// `y_j[r] = dot(row r, x_j)` for the four vectors of `batch`, f32 rows.
    static func matVecF32Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int, batch: Batch4)
    /// The same for f16 rows.
    static func matVecF16Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int, batch: Batch4)
    /// The same for q8_0 rows (x in f32).
    static func matVecQ8Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int, batch: Batch4)
}
