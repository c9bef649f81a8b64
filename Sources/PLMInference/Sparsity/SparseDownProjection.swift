import Foundation
import InferenceKernels
import PLMModel

/// One layer's `down_proj` (C x F) stored by columns for the sparse decode path: after squared ReLU most
/// of a token's F activations are exactly zero, and `y = down_proj a` needs only the columns of the
/// non-zero ones. Stored transposed (F rows of C values) so each such column is one contiguous row:
/// f32 and f16 keep their values; q8_0 keeps its bytes and f16 block scales, regrouped (`quants`: F rows
/// of C signed bytes; `scales`: F / 32 rows of C halves, the scale of block j / 32 in each output), so
/// every weight is the same number as in the dense matrix and the product equals the dense path's up
/// to the order of float additions. The kernel reads a block's scales once for all its active columns.
public final class SparseDownProjection: @unchecked Sendable {
    public let type: WeightType
    /// F: activations in.
    public let inputs: Int
    /// C: outputs.
    public let outputs: Int
    private let storage: WeightStorage
    /// Bytes between rows of `storage` (f32/f16 values, or q8_0's signed bytes).
    private let rowStride: Int
    /// q8_0 only: the f16 scales, after the bytes.
    private let scales: UnsafeRawPointer?

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
            storage = WeightStorage(allocating: f * c + blocks * c * 2)
            let quants = storage.base, scaleBase = storage.base + f * c
            Parallel.forEachChunk(blocks, threads: threads, minimumChunk: 4) { _, blockRange in
                for i in 0..<c {
                    let row = dense.row(i)
                    for b in blockRange {
                        let block = row + b * Q8_0.blockBytes
                        (scaleBase + (b * c + i) * 2).copyMemory(from: block, byteCount: 2)
                        for lane in 0..<Q8_0.blockValues {
                            (quants + (b * Q8_0.blockValues + lane) * c + i)
                                .storeBytes(of: block.load(fromByteOffset: 2 + lane, as: UInt8.self), as: UInt8.self)
                        }
                    }
                }
            }
            scales = UnsafeRawPointer(scaleBase)
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
        if type == .q8_0, (q8 ?? Q8Method.preferred(level)) == .quantizedActivations {
            let blocks = inputs / Q8_0.blockValues
            return withUnsafeTemporaryAllocation(byteCount: Q8ActivationLayout.bytes(blocks: blocks), alignment: 64) { memory in
                let layout = Q8ActivationLayout(blocks: blocks, memory: memory.baseAddress!)
                MatVec.kernels(level).quantizeQ8Activations(a, into: layout)
                // A block holding NaN or infinity is quantized to zero bytes with a NaN scale, which the
                // plan would skip; the dense product gives NaN everywhere, and so does this one.
                if (0..<blocks).contains(where: { layout.scales[$0].isNaN }) {
                    y.update(repeating: .nan, count: outputs)
                    return 0
                }
                // The zeros are those of the quantized x; each block's integer sum is then multiplied by
                // (x's scale times the weights' scale), as in the dense product.
                let capacity = Q8GatherPlan.capacity(blocks: blocks)
                return withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity.slots) { rowOffsets in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: capacity.slots) { weights in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * capacity.groups + capacity.slots / 2) { groups in
                    let plan = Q8GatherPlan(quantized: layout, rowStride: rowStride, rowOffsets: rowOffsets.baseAddress!,
                                            weights: weights.baseAddress!, blocks: groups.baseAddress!,
                                            slots: groups.baseAddress! + capacity.groups,
                                            pairs: groups.baseAddress! + 2 * capacity.groups)
                    run(plan, into: y, threads: threads, level: level)
                    return plan.active
                }
                }
                }
            }
        }
        let count = listNonzero(a, count: inputs, indices: indices, values: coefficients)
        gather(count, indices: indices, coefficients: coefficients, into: y, threads: threads, level: level)
        return count
    }

    /// `y += sum over k < count of coefficients[k] * (column indices[k])`.
    private func gather(_ count: Int, indices: UnsafePointer<Int32>, coefficients: UnsafePointer<Float>,
                        into y: UnsafeMutablePointer<Float>, threads: Int, level: MatVecLevel) {
        guard count > 0 else { return }
        let set = MatVec.kernels(level), base = UnsafeRawPointer(storage.base)
        let workers = KernelWorkers.shared(threads: threads)
        // Each worker takes a slice of the outputs: every output adds the same terms in the same order
        // whoever computes it, so the result does not depend on the thread count.
        let minimumColumns = max(64, (1 << 14) / max(1, count))
        guard type == .q8_0 else {
            workers.forEachChunk(outputs, chunks: workers.threads, minimumChunk: minimumColumns) { range in
                let width = type == .f32 ? 4 : 2
                let weights = base + range.lowerBound * width, out = y + range.lowerBound
                if type == .f32 {
                    set.accumulateGatheredF32(weights: weights, rowStride: rowStride, indices: indices, count: count,
                                              columns: range.count, coefficients: coefficients, into: out)
                } else {
                    set.accumulateGatheredF16(weights: weights, rowStride: rowStride, indices: indices, count: count,
                                              columns: range.count, coefficients: coefficients, into: out)
                }
            }
            return
        }
        // q8_0 with x in floats: the blocks' groups are made once, then every worker runs through them.
        let capacity = Q8GatherPlan.capacity(count: count, blocks: inputs / Q8_0.blockValues)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity.slots) { rowOffsets in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: capacity.slots) { weights in
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * capacity.groups) { groups in
            let plan = Q8GatherPlan(indices: indices, coefficients: coefficients, count: count, rowStride: rowStride,
                                    rowOffsets: rowOffsets.baseAddress!, weights: weights.baseAddress!,
                                    blocks: groups.baseAddress!, slots: groups.baseAddress! + capacity.groups)
            run(plan, into: y, threads: threads, level: level)
        }
        }
        }
    }

    /// The q8_0 product of `plan`, each worker on a slice of the outputs.
    private func run(_ plan: Q8GatherPlan, into y: UnsafeMutablePointer<Float>, threads: Int, level: MatVecLevel) {
        guard plan.active > 0 else { return }
        let set = MatVec.kernels(level), base = UnsafeRawPointer(storage.base)
        let workers = KernelWorkers.shared(threads: threads)
        let minimumColumns = max(64, (1 << 14) / plan.active)
        workers.forEachChunk(outputs, chunks: workers.threads, minimumChunk: minimumColumns) { range in
            set.accumulateGatheredQ8(quants: base + range.lowerBound, scales: scales! + range.lowerBound * 2,
                                     scaleStride: outputs * 2, plan: plan, columns: range.count,
                                     into: y + range.lowerBound)
        }
    }
}
