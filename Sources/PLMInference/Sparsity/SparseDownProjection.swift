import Foundation
import InferenceKernels
import PLMModel

/// One layer's `down_proj` (C x F) stored by columns for the sparse decode path: after squared ReLU most
/// of a token's F activations are exactly zero, and `y = down_proj a` needs only the columns of the
/// non-zero ones. Stored transposed (F rows of C values) so each such column is one contiguous row:
/// f32 and f16 keep their values; q8_0 keeps its bytes and block scales, regrouped (`quants`: F rows of
/// C signed bytes; `scales`: F / 32 rows of C floats, the scale of column j's block in each row), so
/// every weight is the same number as in the dense matrix and the product equals the dense path's up
/// to the order of float additions.
public final class SparseDownProjection: @unchecked Sendable {
    public let type: WeightType
    /// F: activations in.
    public let inputs: Int
    /// C: outputs.
    public let outputs: Int
    private let storage: WeightStorage
    /// Bytes between rows of `storage` (f32/f16 values, or q8_0's signed bytes).
    private let rowStride: Int
    /// q8_0 only: the float scales, after the bytes.
    private let scales: UnsafePointer<Float>?

    /// Transposes `dense` (outputs x inputs), rows split over `threads` workers.
    public init(transposing dense: WeightMatrix, threads: Int) {
        type = dense.type
        inputs = dense.columns
        outputs = dense.rows
        let c = outputs, f = inputs
        switch type {
        case .f32, .f16:
            let width = type == .f32 ? 4 : 2
            rowStride = c * width
            storage = WeightStorage(allocating: f * c * width)
            let base = storage.base
            Parallel.forEachChunk(f, threads: threads, minimumChunk: 64) { _, columns in
                for i in 0..<c {
                    let row = dense.row(i)
                    for j in columns {
                        (base + j * c * width + i * width).copyMemory(from: row + j * width, byteCount: width)
                    }
                }
            }
            scales = nil
        case .q8_0:
            rowStride = c
            let blocks = f / Q8_0.blockValues
            storage = WeightStorage(allocating: f * c + blocks * c * 4)
            let quants = storage.base, scaleBase = (storage.base + f * c).assumingMemoryBound(to: Float.self)
            Parallel.forEachChunk(blocks, threads: threads, minimumChunk: 4) { _, blockRange in
                for i in 0..<c {
                    let row = dense.row(i)
                    for b in blockRange {
                        let block = row + b * Q8_0.blockBytes
                        scaleBase[b * c + i] = Float(Float16(bitPattern: block.loadUnaligned(as: UInt16.self)))
                        for lane in 0..<Q8_0.blockValues {
                            (quants + (b * Q8_0.blockValues + lane) * c + i)
                                .storeBytes(of: block.load(fromByteOffset: 2 + lane, as: UInt8.self), as: UInt8.self)
                        }
                    }
                }
            }
            scales = UnsafePointer(scaleBase)
        }
    }

    /// Bytes this copy holds.
    public var byteCount: Int { storage.byteCount }

    /// `y[0..<outputs] += down_proj a` for one token's activations `a` (inputs floats), reading only the
    /// columns whose activation is not zero; returns how many those were. `indices` and `coefficients`
    /// hold `inputs` values of scratch. With q8_0 weights `q8` says how `a` enters, as in `MatVec`: when
    /// it is quantized, the zeros are those of the quantized `a` (its blocks quantized by the same kernel
    /// as the dense product), so the result matches that product.
    @discardableResult
    public func accumulate(_ a: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                           indices: UnsafeMutablePointer<Int32>, coefficients: UnsafeMutablePointer<Float>,
                           threads: Int, level: MatVecLevel = .active, q8: Q8Method? = nil) -> Int {
        var count = 0
        if type == .q8_0, (q8 ?? Q8Method.preferred(level)) == .quantizedActivations {
            let blocks = inputs / Q8_0.blockValues
            withUnsafeTemporaryAllocation(byteCount: Q8ActivationLayout.bytes(blocks: blocks), alignment: 64) { memory in
                let layout = Q8ActivationLayout(blocks: blocks, memory: memory.baseAddress!)
                MatVec.kernels(level).quantizeQ8Activations(a, into: layout)
                let quants = layout.quants.assumingMemoryBound(to: Int8.self)
                for j in 0..<inputs where quants[j] != 0 {
                    indices[count] = Int32(j)
                    coefficients[count] = layout.scales[j >> 5] * Float(quants[j])
                    count += 1
                }
            }
        } else {
            for j in 0..<inputs where a[j] != 0 {
                indices[count] = Int32(j)
                coefficients[count] = a[j]
                count += 1
            }
        }
        guard count > 0 else { return 0 }
        let set = MatVec.kernels(level), base = UnsafeRawPointer(storage.base), found = count
        let workers = KernelWorkers.shared(threads: threads)
        // Each worker takes a slice of the outputs: every output adds the same terms in the same order
        // whoever computes it, so the result does not depend on the thread count.
        let minimumColumns = max(64, (1 << 14) / max(1, found))
        workers.forEachChunk(outputs, chunks: workers.threads, minimumChunk: minimumColumns) { range in
            let out = y + range.lowerBound
            switch type {
            case .f32:
                set.accumulateGatheredF32(weights: base + range.lowerBound * 4, rowStride: rowStride, indices: indices,
                                          count: found, columns: range.count, coefficients: coefficients, into: out)
            case .f16:
                set.accumulateGatheredF16(weights: base + range.lowerBound * 2, rowStride: rowStride, indices: indices,
                                          count: found, columns: range.count, coefficients: coefficients, into: out)
            case .q8_0:
                set.accumulateGatheredQ8(quants: base + range.lowerBound, quantStride: rowStride,
                                         scales: scales! + range.lowerBound, scaleStride: outputs, indices: indices,
                                         count: found, columns: range.count, coefficients: coefficients, into: out)
            }
        }
        return found
    }
}
