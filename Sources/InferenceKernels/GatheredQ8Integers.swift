// The sparse down projection over q8_0 weights when x is quantized too (the x86 decode path): each
// block's sum over its active rows is an integer, weight bytes times x bytes, as in the dense product,
// so it is computed in integers, two rows per step (vpmaddwd on their interleaved 16-bit values), and
// turned into floats once per block; a float product per byte took two conversions per weight.

/// A kernel level that can add two weight rows times two x bytes in integers. Swift's SIMD types cannot
/// express the x86 instructions, so each x86 module supplies the two steps; the loops are the generic
/// ones below.
public protocol ByteRowPairLevel: KernelLevel where Vector == SIMD8<Float> {
    /// Integer sums of 16 outputs, in the level's own lane order.
    associatedtype RowPairSums
    static var zeroSums: RowPairSums { get }
    /// `sums[i] += a[i] * xa + b[i] * xb` for i in 0..<16, signed bytes `a` and `b`, with `pair` holding
    /// xa in its low 16 bits and xb in its high 16 bits.
    static func addRowPair(_ sums: inout RowPairSums, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, pair: Int32)
    /// The sums as floats (exactly: they stay below 2^24), outputs 0..<8 and 8..<16.
    static func floats(_ sums: RowPairSums) -> (Vector, Vector)
}

/// x's two bytes as `addRowPair` takes them.
@inlinable @inline(__always)
public func packedBytePair(_ a: Float, _ b: Float) -> Int32 {
    Int32(truncatingIfNeeded: UInt16(bitPattern: Int16(a))) | Int32(Int16(b)) << 16
}

/// The sparse q8_0 product of `plan`: in integers when it holds x's bytes (`plan.pairs`), else in floats.
@inlinable @inline(__always)
public func accumulateGatheredQ8<FloatLevel: KernelLevel, ByteLevel: ByteRowPairLevel>(
    _: FloatLevel.Type, _: ByteLevel.Type, quants: UnsafeRawPointer, scales: UnsafeRawPointer, scaleStride: Int,
    plan: Q8GatherPlan, columns: Int, into y: UnsafeMutablePointer<Float>
) {
    if plan.pairs != nil {
        accumulateGatheredQ8Integers(ByteLevel.self, quants: quants, scales: scales, scaleStride: scaleStride, plan: plan,
                                     columns: columns, into: y)
    } else {
        accumulateGatheredQ8Blocks(FloatLevel.self, quants: quants, scales: scales, scaleStride: scaleStride, plan: plan,
                                   columns: columns, into: y)
    }
}

/// `accumulateGatheredQ8Blocks` when `plan.pairs` holds x's quantized bytes: for each group, `t[i]`, the
/// integer sum over its rows of `quants[row][i] * x byte`, and `y[i] += (blockFactor * scale[b][i]) * t[i]`.
/// The products are exactly the dense product's, so the result differs from it only in the order of
/// the float additions.
@inlinable
public func accumulateGatheredQ8Integers<Level: ByteRowPairLevel>(
    _: Level.Type, quants: UnsafeRawPointer, scales: UnsafeRawPointer, scaleStride: Int, plan: Q8GatherPlan,
    columns: Int, into y: UnsafeMutablePointer<Float>
) {
    let pairs = plan.pairs!
    let ys = UnsafeMutableRawPointer(y)
    let columnsInSixteens = columns & ~15
    @inline(__always) func row(_ slot: Int) -> UnsafeRawPointer { quants + plan.rowOffsets[slot] }
    var first = 0
    for group in 0..<plan.groups {
        let block = Int(plan.blocks[group]), padded = Int(plan.slots[group])
        let prefetch = RowPrefetcher(plan, group: group, first: first, quants: quants)
        let factor = plan.blockFactors?[block] ?? 1
        let scaleRow = scales + block &* scaleStride
        let factors = Level.Vector(repeating: factor)
        @inline(__always) func finish(_ sums: Level.RowPairSums, _ column: Int) {
            let (low, high) = Level.floats(sums)
            var sum = Level.Vector.load(ys + column &* 4)
            Level.multiplyAdd(&sum, factors * Level.Vector.loadHalves(scaleRow + column &* 2), low)
            sum.store(to: ys + column &* 4)
            var next = Level.Vector.load(ys + (column &+ 8) &* 4)
            Level.multiplyAdd(&next, factors * Level.Vector.loadHalves(scaleRow + (column &+ 8) &* 2), high)
            next.store(to: ys + (column &+ 8) &* 4)
        }
        let pair = first >> 1
        var column = 0
        if padded == 4 {
            let r0 = row(first), r1 = row(first &+ 1), r2 = row(first &+ 2), r3 = row(first &+ 3)
            let p0 = pairs[pair], p1 = pairs[pair &+ 1]
            while column < columnsInSixteens {
                prefetch.at(column)
                var sums = Level.zeroSums
                Level.addRowPair(&sums, r0 + column, r1 + column, pair: p0)
                Level.addRowPair(&sums, r2 + column, r3 + column, pair: p1)
                finish(sums, column)
                column &+= 16
            }
        } else if padded == 8 {
            let r0 = row(first), r1 = row(first &+ 1), r2 = row(first &+ 2), r3 = row(first &+ 3)
            let r4 = row(first &+ 4), r5 = row(first &+ 5), r6 = row(first &+ 6), r7 = row(first &+ 7)
            let p0 = pairs[pair], p1 = pairs[pair &+ 1], p2 = pairs[pair &+ 2], p3 = pairs[pair &+ 3]
            while column < columnsInSixteens {
                prefetch.at(column)
                var sums = Level.zeroSums
                Level.addRowPair(&sums, r0 + column, r1 + column, pair: p0)
                Level.addRowPair(&sums, r2 + column, r3 + column, pair: p1)
                Level.addRowPair(&sums, r4 + column, r5 + column, pair: p2)
                Level.addRowPair(&sums, r6 + column, r7 + column, pair: p3)
                finish(sums, column)
                column &+= 16
            }
        } else {
            while column < columnsInSixteens {
                prefetch.at(column)
                var sums = Level.zeroSums
                var slot = first
                while slot < first &+ padded {
                    Level.addRowPair(&sums, row(slot) + column, row(slot &+ 1) + column, pair: pairs[slot >> 1])
                    slot &+= 2
                }
                finish(sums, column)
                column &+= 16
            }
        }
        while column < columns {
            var t: Int32 = 0
            for slot in first..<(first &+ padded) {
                t &+= Int32(row(slot).load(fromByteOffset: column, as: Int8.self)) &* Int32(plan.weights[slot])
            }
            Level.multiplyAdd(&y[column], factor * half(scaleRow, column), Float(t))
            column &+= 1
        }
        first &+= padded
    }
}

/// The x86 levels' `RowPairSums`: two registers of eight 32-bit sums, in the lane order their
/// interleaving step leaves (see InferenceKernelsAVX2).
public struct InterleavedRowSums {
    public var low: SIMD4<Int64>
    public var high: SIMD4<Int64>
    @inlinable public init(low: SIMD4<Int64>, high: SIMD4<Int64>) {
        self.low = low
        self.high = high
    }
}

extension PortableLevel: ByteRowPairLevel {
    public typealias RowPairSums = SIMD16<Int32>
    @inlinable public static var zeroSums: SIMD16<Int32> { SIMD16() }

    /// Plain integer arithmetic.
    @inlinable @inline(__always)
    public static func addRowPair(_ sums: inout SIMD16<Int32>, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, pair: Int32) {
        let xa = Int32(Int16(truncatingIfNeeded: pair)), xb = pair >> 16
        for lane in 0..<16 {
            sums[lane] &+= Int32(a.load(fromByteOffset: lane, as: Int8.self)) &* xa
                &+ Int32(b.load(fromByteOffset: lane, as: Int8.self)) &* xb
        }
    }

    @inlinable @inline(__always)
    public static func floats(_ sums: SIMD16<Int32>) -> (SIMD8<Float>, SIMD8<Float>) {
        var low = SIMD8<Float>(), high = SIMD8<Float>()
        for lane in 0..<8 {
            low[lane] = Float(sums[lane])
            high[lane] = Float(sums[lane &+ 8])
        }
        return (low, high)
    }
}
