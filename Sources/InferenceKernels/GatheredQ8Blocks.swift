// The sparse down projection over q8_0 weights with x in f32 (the portable kernels, `Q8Method.floatActivations`):
// the active rows of each block of 32 columns summed in floats, then scaled once by the block's scales.

/// `y[0..<columns] += down_proj a` over a q8_0 matrix stored by columns, for the active columns of
/// `plan`: `quants` holds row j's signed bytes and `scales` the f16 scales of block b (`scaleStride`
/// bytes apart), one per output, so `w[j][i] = scales[j / 32][i] * quants[j][i]`: exactly the values of
/// the q8_0 matrix it came from. Each group adds `(blockFactor * scale[b][i]) * t[i]` to `y[i]`, with
/// `t = sum over its slots of weight * quants[row]` (in order): a block's scales are read once for all
/// its active rows, where a scale per row would cost as much as the rows themselves. `quants` and
/// `scales` may point into the middle of their rows (a slice of the outputs).
@inlinable
public func accumulateGatheredQ8Blocks<Level: KernelLevel>(
    _: Level.Type, quants: UnsafeRawPointer, scales: UnsafeRawPointer, scaleStride: Int, plan: Q8GatherPlan,
    columns: Int, into y: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let ys = UnsafeMutableRawPointer(y)
    let columnsInVectors = columns / width &* width
    @inline(__always) func row(_ slot: Int) -> UnsafeRawPointer { quants + plan.rowOffsets[slot] }
    @inline(__always) func weight(_ slot: Int) -> Level.Vector { Level.Vector(repeating: plan.weights[slot]) }
    var first = 0
    for group in 0..<plan.groups {
        let block = Int(plan.blocks[group]), padded = Int(plan.slots[group])
        let prefetch = RowPrefetcher(plan, group: group, first: first, quants: quants)
        let factor = plan.blockFactors?[block] ?? 1
        let scaleRow = scales + block &* scaleStride
        let factors = Level.Vector(repeating: factor)
        @inline(__always) func finish(_ t: Level.Vector, _ column: Int) {
            var sum = Level.Vector.load(ys + column &* 4)
            Level.multiplyAdd(&sum, factors * Level.Vector.loadHalves(scaleRow + column &* 2), t)
            sum.store(to: ys + column &* 4)
        }
        // Four slots per pass, the passes alternating between two chains, added at the end. (The x86 decode
        // path is the integer kernel; this one serves the portable kernels and x taken in f32.)
        @inline(__always) func pass(_ t: inout Level.Vector, _ at: Int, _ column: Int) {
            for slot in at..<(at &+ 4) {
                Level.multiplyAdd(&t, weight(slot), Level.Vector.loadBytes(row(slot) + column))
            }
        }
        var column = 0
        while column < columnsInVectors {
            prefetch.at(column)
            var t = Level.Vector(), u = Level.Vector()
            var at = first
            while at &+ 8 <= first &+ padded {
                pass(&t, at, column)
                pass(&u, at &+ 4, column)
                at &+= 8
            }
            if at < first &+ padded { pass(&t, at, column) }
            finish(t + u, column)
            column &+= width
        }
        while column < columns {
            var t: Float = 0
            for slot in first..<(first &+ padded) {
                Level.multiplyAdd(&t, plan.weights[slot], Float(row(slot).load(fromByteOffset: column, as: Int8.self)))
            }
            Level.multiplyAdd(&y[column], factor * half(scaleRow, column), t)
            column &+= 1
        }
        first &+= padded
    }
}
