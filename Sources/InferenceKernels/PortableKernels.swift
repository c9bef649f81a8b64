/// The kernels every CPU runs, compiled for the baseline instruction set.
public enum PortableKernels: MatVecKernelSet {
    @inline(never)
    public static func matVecF32(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                 x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        matVecElements(PortableLevel.self, F32Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                       columns: columns, x: x, into: y)
    }

    @inline(never)
    public static func matVecF16(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                 x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        matVecElements(PortableLevel.self, F16Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                       columns: columns, x: x, into: y)
    }

    @inline(never)
    public static func matVecQ8(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
                                x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        matVecQ8Blocks(PortableLevel.self, weights: weights, rowStride: rowStride, rows: rows, blocks: blocks,
                       x: x, into: y)
    }

    @inline(never)
    public static func accumulateF32(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                     coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        accumulateElements(PortableLevel.self, F32Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                           columns: columns, coefficients: c, into: y)
    }

    @inline(never)
    public static func accumulateF16(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                     coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        accumulateElements(PortableLevel.self, F16Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                           columns: columns, coefficients: c, into: y)
    }

    @inline(never)
    public static func accumulateQ8(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
                                    coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        accumulateQ8Blocks(PortableLevel.self, weights: weights, rowStride: rowStride, rows: rows, blocks: blocks,
                           coefficients: c, into: y)
    }

    @inline(never)
    public static func accumulateGatheredF32(weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>,
                                             count: Int, columns: Int, coefficients c: UnsafePointer<Float>,
                                             into y: UnsafeMutablePointer<Float>) {
        accumulateGatheredElements(PortableLevel.self, F32Elements.self, weights: weights, rowStride: rowStride, indices: indices,
                                   count: count, columns: columns, coefficients: c, into: y)
    }

    @inline(never)
    public static func accumulateGatheredF16(weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>,
                                             count: Int, columns: Int, coefficients c: UnsafePointer<Float>,
                                             into y: UnsafeMutablePointer<Float>) {
        accumulateGatheredElements(PortableLevel.self, F16Elements.self, weights: weights, rowStride: rowStride, indices: indices,
                                   count: count, columns: columns, coefficients: c, into: y)
    }

    @inline(never)
    public static func accumulateGatheredQ8(quants: UnsafeRawPointer, scales: UnsafeRawPointer, scaleStride: Int,
                                            plan: Q8GatherPlan, columns: Int, into y: UnsafeMutablePointer<Float>) {
        InferenceKernels.accumulateGatheredQ8(PortableLevel.self, PortableLevel.self, quants: quants, scales: scales,
                                              scaleStride: scaleStride, plan: plan, columns: columns, into: y)
    }

    @inline(never)
    public static func decodeF16(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        decodeHalves(PortableLevel.self, source, count: count, into: destination)
    }

    @inline(never)
    public static func decodeQ8(_ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>) {
        decodeQ8Blocks(PortableLevel.self, source, blocks: blocks, into: destination)
    }

    @inline(never)
    public static func matVecF32Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                       batch: Batch4) {
        matVecElementsBatch4(PortableLevel.self, F32Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                             columns: columns, batch: batch)
    }

    @inline(never)
    public static func matVecF16Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
                                       batch: Batch4) {
        matVecElementsBatch4(PortableLevel.self, F16Elements.self, weights: weights, rowStride: rowStride, rows: rows,
                             columns: columns, batch: batch)
    }

    @inline(never)
    public static func matVecQ8Batch4(weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
                                      batch: Batch4) {
        matVecQ8BlocksBatch4(PortableLevel.self, weights: weights, rowStride: rowStride, rows: rows, blocks: blocks,
                             batch: batch)
    }

    @inline(never)
    public static func quantizeQ8Activations(_ x: UnsafePointer<Float>, into layout: Q8ActivationLayout) {
        InferenceKernels.quantizeQ8Activations(PortableLevel.self, x, into: layout)
    }

    @inline(never)
    public static func matVecQ8ActivationsGathered(weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>,
                                                   count: Int, activations: Q8ActivationLayout,
                                                   into y: UnsafeMutablePointer<Float>) {
        InferenceKernels.matVecQ8ActivationsGathered(PortableLevel.self, weights: weights, rowStride: rowStride, indices: indices,
                                                     count: count, activations: activations, into: y)
    }

    @inline(never)
    public static func matVecQ8Activations(weights: UnsafeRawPointer, rowStride: Int, rows: Int,
                                           activations: Q8ActivationLayout, into y: UnsafeMutablePointer<Float>) {
        InferenceKernels.matVecQ8Activations(PortableLevel.self, weights: weights, rowStride: rowStride, rows: rows,
                                             activations: activations, into: y)
    }
}
