import InferenceKernels
import InferenceKernelsAVX2
import InferenceKernelsAVX512

/// The matrix-vector products of the decode path, for f32, f16 and q8_0 weights, at the fastest kernel
/// level this CPU runs (`MatVecLevel.active`; every function also takes an explicit level, which tests
/// and benchmarks use to compare levels). Pointers are not retained; the caller keeps them valid.
public enum MatVec {
    /// The level the kernels run at, for `plm env` and benchmark output: "avx512", "avx2" or "portable".
    public static var kernelName: String { MatVecLevel.active.rawValue }

    /// The entry points of `level`, which this CPU must run.
    @inline(__always)
    static func kernels(_ level: MatVecLevel) -> any MatVecKernelSet.Type {
        switch level {
        case .portable: return PortableKernels.self
        case .avx2:
            precondition(level.isSupported, "the avx2 kernels need AVX2, FMA and F16C, which this CPU lacks")
            return AVX2Kernels.self
        case .avx512:
            precondition(level.isSupported, "the avx512 kernels need AVX-512 F/CD/BW/DQ/VL, which this CPU lacks")
            return AVX512Kernels.self
        }
    }

    /// `y[i] = dot(row rows.lowerBound + i of w, x)` for i in 0..<rows.count; x holds `w.columns` floats.
    /// For q8_0 weights `q8` says how x enters (see `Q8Method`); when it is quantized, this form quantizes
    /// it on every call (O(columns)), so split rows with the threaded form, which quantizes once.
    public static func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                rows: Range<Int>, level: MatVecLevel = .active, q8: Q8Method? = nil) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= w.rows, "rows \(rows) outside 0..<\(w.rows)")
        guard !rows.isEmpty else { return }
        withOperand(w, x: x, level: level, q8: q8) { operand in
            multiply(w, operand, into: y, rows: rows, level: level)
        }
    }

    /// `y = w x` for all rows, the rows split into contiguous chunks run by `threads` threads of
    /// `KernelWorkers` (the caller's included). Each row is computed by exactly one thread with the same
    /// operations as on one thread (and x, when quantized, is quantized once before), so y does not
    /// depend on `threads` or on which thread ran which chunk. Small matrices stay on fewer threads (a
    /// chunk holds at least `minimumChunkBytes` of weights): handing out work costs more than it saves.
    public static func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                threads: Int, level: MatVecLevel = .active, q8: Q8Method? = nil) {
        let minimumRows = max(1, minimumChunkBytes / max(1, w.rowBytes))
        withOperand(w, x: x, level: level, q8: q8) { operand in
            // Four chunks per thread, so that a thread slowed down by another process holds up little.
            let workers = KernelWorkers.shared(threads: threads)
            workers.forEachChunk(w.rows, chunks: 4 * workers.threads, minimumChunk: minimumRows) { range in
                multiply(w, operand, into: y + range.lowerBound, rows: range, level: level)
            }
        }
    }

    /// `y[k] = dot(row indices[k] of w, x)` for k in 0..<count (indices ascending): the rows a predictor
    /// chose. With x quantized (q8_0) one gathered kernel takes a chunk's rows, four at a time; otherwise
    /// runs of consecutive rows go to the kernels as one product. x is quantized once for q8_0.
    /// Split over `threads` threads by index ranges, each row computed as in the full product.
    public static func multiplyRows(_ w: WeightMatrix, indices: UnsafePointer<Int32>, count: Int, x: UnsafePointer<Float>,
                                    into y: UnsafeMutablePointer<Float>, threads: Int, level: MatVecLevel = .active,
                                    q8: Q8Method? = nil) {
        guard count > 0 else { return }
        let minimumRows = max(1, minimumChunkBytes / max(1, w.rowBytes))
        withOperand(w, x: x, level: level, q8: q8) { operand in
            let workers = KernelWorkers.shared(threads: threads)
            workers.forEachChunk(count, chunks: 4 * workers.threads, minimumChunk: minimumRows) { range in
                if case .quantized(let layout) = operand {
                    // One call for the chunk's rows, four at a time: a call per run of consecutive rows
                    // (mostly one row) cost more than the rows.
                    kernels(level).matVecQ8ActivationsGathered(weights: w.data, rowStride: w.rowBytes,
                                                               indices: indices + range.lowerBound, count: range.count,
                                                               activations: layout, into: y + range.lowerBound)
                    return
                }
                var k = range.lowerBound
                while k < range.upperBound {
                    var end = k + 1
                    while end < range.upperBound && indices[end] == indices[end - 1] + 1 { end += 1 }
                    let first = Int(indices[k])
                    multiply(w, operand, into: y + k, rows: first..<(first + end - k), level: level)
                    k = end
                }
            }
        }
    }

    /// Weight bytes below which a chunk is not worth its own thread (about 2 µs of work).
    static let minimumChunkBytes = 32 << 10

    /// x as the kernels take it: floats, or (q8_0 weights) quantized into a temporary layout.
    enum Operand {
        case floats(UnsafePointer<Float>)
        case quantized(Q8ActivationLayout)
    }

    /// Runs `body` with x in the form `w`'s kernels at `level` take.
    static func withOperand(_ w: WeightMatrix, x: UnsafePointer<Float>, level: MatVecLevel, q8: Q8Method?,
                            _ body: (Operand) -> Void) {
        guard w.type == .q8_0, (q8 ?? Q8Method.preferred(level)) == .quantizedActivations else {
            body(.floats(x))
            return
        }
        let blocks = w.columns / Q8_0.blockValues
        withUnsafeTemporaryAllocation(byteCount: Q8ActivationLayout.bytes(blocks: blocks), alignment: 64) { memory in
            let layout = Q8ActivationLayout(blocks: blocks, memory: memory.baseAddress!)
            kernels(level).quantizeQ8Activations(x, into: layout)
            body(.quantized(layout))
        }
    }

    /// The product for rows `rows` with x already in kernel form.
    static func multiply(_ w: WeightMatrix, _ x: Operand, into y: UnsafeMutablePointer<Float>, rows: Range<Int>,
                         level: MatVecLevel) {
        let set = kernels(level)
        let start = w.row(rows.lowerBound)
        switch (w.type, x) {
        case (.f32, .floats(let x)):
            set.matVecF32(weights: start, rowStride: w.rowBytes, rows: rows.count, columns: w.columns, x: x, into: y)
        case (.f16, .floats(let x)):
            set.matVecF16(weights: start, rowStride: w.rowBytes, rows: rows.count, columns: w.columns, x: x, into: y)
        case (.q8_0, .floats(let x)):
            set.matVecQ8(weights: start, rowStride: w.rowBytes, rows: rows.count, blocks: w.columns / Q8_0.blockValues,
                         x: x, into: y)
        case (.q8_0, .quantized(let layout)):
            set.matVecQ8Activations(weights: start, rowStride: w.rowBytes, rows: rows.count, activations: layout,
                                    into: y)
        case (_, .quantized):
            preconditionFailure("only q8_0 weights take a quantized x")
        }
    }

    /// `y[0..<w.columns] += sum over i of c[i] * (row rows.lowerBound + i of w)`: the transposed product.
    /// Each column adds the rows' terms in row order (fused where the CPU has fma).
    public static func accumulateRows(_ w: WeightMatrix, rows: Range<Int>, coefficients c: UnsafePointer<Float>,
                                      into y: UnsafeMutablePointer<Float>, level: MatVecLevel = .active) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= w.rows, "rows \(rows) outside 0..<\(w.rows)")
        guard !rows.isEmpty else { return }
        let set = kernels(level)
        let start = w.row(rows.lowerBound)
        switch w.type {
        case .f32:
            set.accumulateF32(weights: start, rowStride: w.rowBytes, rows: rows.count, columns: w.columns,
                              coefficients: c, into: y)
        case .f16:
            set.accumulateF16(weights: start, rowStride: w.rowBytes, rows: rows.count, columns: w.columns,
                              coefficients: c, into: y)
        case .q8_0:
            set.accumulateQ8(weights: start, rowStride: w.rowBytes, rows: rows.count,
                             blocks: w.columns / Q8_0.blockValues, coefficients: c, into: y)
        }
    }

    /// `out[j] = dot(row j, x)` for j in 0..<count, over f32 rows of `width` values that start `stride`
    /// floats apart (attention scores over a cache of keys).
    public static func dotRows(_ rows: UnsafePointer<Float>, stride: Int, count: Int, width: Int,
                               x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                               level: MatVecLevel = .active) {
        precondition(stride >= width, "rows overlap: stride \(stride) < width \(width)")
        guard count > 0 else { return }
        kernels(level).matVecF32(weights: UnsafeRawPointer(rows), rowStride: stride * 4, rows: count, columns: width,
                                 x: x, into: out)
    }

    /// `y[0..<width] += sum over j of w[j] * (row j)`, over f32 rows as in `dotRows` (attention's weighted
    /// sum of cached values).
    public static func axpyRows(_ rows: UnsafePointer<Float>, stride: Int, count: Int, width: Int,
                                weights w: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                                level: MatVecLevel = .active) {
        precondition(stride >= width, "rows overlap: stride \(stride) < width \(width)")
        guard count > 0 else { return }
        kernels(level).accumulateF32(weights: UnsafeRawPointer(rows), rowStride: stride * 4, rows: count,
                                     columns: width, coefficients: w, into: y)
    }

    /// Rows `range` of w widened to f32 into `destination` (range.count x w.columns), equal bit for bit to
    /// `WeightConversion.decode`.
    public static func decodeRows(_ w: WeightMatrix, _ range: Range<Int>, into destination: UnsafeMutablePointer<Float>,
                                  level: MatVecLevel = .active) {
        precondition(range.lowerBound >= 0 && range.upperBound <= w.rows, "rows \(range) outside 0..<\(w.rows)")
        guard !range.isEmpty else { return }
        let start = w.row(range.lowerBound)
        switch w.type {
        case .f32:
            UnsafeMutableRawPointer(destination).copyMemory(from: start, byteCount: range.count * w.rowBytes)
        case .f16:
            // Rows are contiguous, so the whole range is one run of halves.
            kernels(level).decodeF16(start, count: range.count * w.columns, into: destination)
        case .q8_0:
            kernels(level).decodeQ8(start, blocks: range.count * w.columns / Q8_0.blockValues, into: destination)
        }
    }
}
