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
        var column = 0
        if padded == 4 {
            let r0 = row(first), r1 = row(first &+ 1), r2 = row(first &+ 2), r3 = row(first &+ 3)
            let c0 = weight(first), c1 = weight(first &+ 1), c2 = weight(first &+ 2), c3 = weight(first &+ 3)
            while column < columnsInVectors {
                prefetch.at(column)
                var t = c0 * Level.Vector.loadBytes(r0 + column)
                Level.multiplyAdd(&t, c1, Level.Vector.loadBytes(r1 + column))
                Level.multiplyAdd(&t, c2, Level.Vector.loadBytes(r2 + column))
                Level.multiplyAdd(&t, c3, Level.Vector.loadBytes(r3 + column))
                finish(t, column)
                column &+= width
            }
        } else if padded == 8 {
            let r0 = row(first), r1 = row(first &+ 1), r2 = row(first &+ 2), r3 = row(first &+ 3)
            let r4 = row(first &+ 4), r5 = row(first &+ 5), r6 = row(first &+ 6), r7 = row(first &+ 7)
            let c0 = weight(first), c1 = weight(first &+ 1), c2 = weight(first &+ 2), c3 = weight(first &+ 3)
            let c4 = weight(first &+ 4), c5 = weight(first &+ 5), c6 = weight(first &+ 6), c7 = weight(first &+ 7)
            while column < columnsInVectors {
                prefetch.at(column)
                // Two chains of four: one chain of eight fma waited on its own latency.
                var t = c0 * Level.Vector.loadBytes(r0 + column)
                var u = c4 * Level.Vector.loadBytes(r4 + column)
                Level.multiplyAdd(&t, c1, Level.Vector.loadBytes(r1 + column))
                Level.multiplyAdd(&u, c5, Level.Vector.loadBytes(r5 + column))
                Level.multiplyAdd(&t, c2, Level.Vector.loadBytes(r2 + column))
                Level.multiplyAdd(&u, c6, Level.Vector.loadBytes(r6 + column))
                Level.multiplyAdd(&t, c3, Level.Vector.loadBytes(r3 + column))
                Level.multiplyAdd(&u, c7, Level.Vector.loadBytes(r7 + column))
                finish(t + u, column)
                column &+= width
            }
        } else {
            // Four slots per pass, the passes alternating between two chains, added at the end.
            @inline(__always) func pass(_ t: inout Level.Vector, _ at: Int, _ column: Int) {
                for slot in at..<(at &+ 4) {
                    Level.multiplyAdd(&t, weight(slot), Level.Vector.loadBytes(row(slot) + column))
                }
            }
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
