// The active columns of one sparse q8_0 product, grouped by block, and the prefetch of their rows.

import CPrefetch

/// A token's active columns of a q8_0 matrix stored by columns, grouped by block for
/// `accumulateGatheredQ8Blocks`; made once per product, before the workers split the outputs.
/// Each group lists its rows padded to a multiple of 4 with zero weights on a row already listed
/// (adding exact zeros), so that the kernel runs passes of four rows, straight-line for most groups.
public struct Q8GatherPlan {
    /// Per slot: the row's byte offset from the first row, and its coefficient (0 for padding).
    public let rowOffsets: UnsafePointer<Int>
    public let weights: UnsafePointer<Float>
    /// Per group: its block, and its number of slots.
    public let blocks: UnsafePointer<Int32>
    public let slots: UnsafePointer<Int32>
    public let groups: Int
    /// Active columns (slots that are not padding).
    public let active: Int
    /// Per block: the factor of its scales (nil: 1): x's block scales when `weights` are x's quantized
    /// bytes, so that each block's sum is exactly the dense product's integer sum.
    public let blockFactors: UnsafePointer<Float>?
    /// When `weights` are x's bytes (`init(quantized:)`): per two slots, the two as `packedBytePair`
    /// makes them, for `accumulateGatheredQ8Integers`.
    public let pairs: UnsafePointer<Int32>?

    /// Slots and groups `init` may write for `count` active columns of `blocks` blocks.
    @inlinable
    public static func capacity(count: Int, blocks: Int) -> (slots: Int, groups: Int) {
        (count &+ 3 &* min(blocks, count), min(blocks, count))
    }

    /// Groups the active columns `indices[0..<count]` (ascending) with their float coefficients `c` (x in
    /// f32: the float kernel, every block's factor 1), rows `rowStride` bytes apart, into the given memory
    /// (sized by `capacity`).
    @inlinable
    public init(indices: UnsafePointer<Int32>, coefficients c: UnsafePointer<Float>, count: Int, rowStride: Int,
                rowOffsets: UnsafeMutablePointer<Int>, weights: UnsafeMutablePointer<Float>,
                blocks: UnsafeMutablePointer<Int32>, slots: UnsafeMutablePointer<Int32>) {
        var start = 0, slot = 0, group = 0
        while start < count {
            let block = Int(indices[start]) >> 5
            var end = start &+ 1
            while end < count && Int(indices[end]) >> 5 == block { end &+= 1 }
            let active = end &- start
            let padded = (active &+ 3) & ~3
            for index in 0..<padded {
                let k = index < active ? start &+ index : start
                rowOffsets[slot &+ index] = Int(indices[k]) &* rowStride
                weights[slot &+ index] = index < active ? c[k] : 0
            }
            blocks[group] = Int32(block)
            slots[group] = Int32(padded)
            slot &+= padded
            group &+= 1
            start = end
        }
        self.init(rowOffsets: rowOffsets, weights: weights, blocks: blocks, slots: slots, groups: group, active: count,
                  blockFactors: nil, pairs: nil)
    }

    @inlinable
    init(rowOffsets: UnsafeMutablePointer<Int>, weights: UnsafeMutablePointer<Float>, blocks: UnsafeMutablePointer<Int32>,
         slots: UnsafeMutablePointer<Int32>, groups: Int, active: Int, blockFactors: UnsafePointer<Float>?,
         pairs: UnsafeMutablePointer<Int32>?) {
        self.rowOffsets = UnsafePointer(rowOffsets)
        self.weights = UnsafePointer(weights)
        self.blocks = UnsafePointer(blocks)
        self.slots = UnsafePointer(slots)
        self.groups = groups
        self.active = active
        self.blockFactors = blockFactors
        self.pairs = UnsafePointer(pairs)
    }

    /// Slots and groups `init(quantized:...)` may write for x of `blocks` blocks.
    @inlinable
    public static func capacity(blocks: Int) -> (slots: Int, groups: Int) { capacity(count: 32 &* blocks, blocks: blocks) }

    /// The plan of x as quantized into `x` (the integer product's: the coefficients are x's bytes, each
    /// block's factor x's scale), made straight from the bytes: a mask of each block's non-zero bytes,
    /// then one step per set bit. It runs on one thread before the workers split the outputs; the pass
    /// over every column that lists the float path's `indices` took as long as the product it fed.
    /// Memory as `capacity(blocks:)` sizes it; `pairs` half the slots.
    @inlinable
    public init(quantized x: Q8ActivationLayout, rowStride: Int, rowOffsets: UnsafeMutablePointer<Int>,
                weights: UnsafeMutablePointer<Float>, blocks: UnsafeMutablePointer<Int32>,
                slots: UnsafeMutablePointer<Int32>, pairs: UnsafeMutablePointer<Int32>) {
        var slot = 0, group = 0, count = 0
        for block in 0..<x.blocks {
            let bytes = UnsafeRawPointer(x.quants + block &* 32)
            var mask: UInt64 = 0
            for word in 0..<4 {
                mask |= nonzeroBytes(bytes.loadUnaligned(fromByteOffset: word &* 8, as: UInt64.self)) << (word &* 8)
            }
            guard mask != 0 else { continue }
            let first = slot
            while mask != 0 {
                let lane = mask.trailingZeroBitCount
                mask &= mask &- 1
                rowOffsets[slot] = (block &* 32 &+ lane) &* rowStride
                weights[slot] = Float(bytes.load(fromByteOffset: lane, as: Int8.self))
                slot &+= 1
            }
            count &+= slot &- first
            while (slot &- first) & 3 != 0 {
                rowOffsets[slot] = rowOffsets[first]
                weights[slot] = 0
                slot &+= 1
            }
            blocks[group] = Int32(block)
            slots[group] = Int32(slot &- first)
            group &+= 1
        }
        for pair in 0..<(slot >> 1) { pairs[pair] = packedBytePair(weights[2 &* pair], weights[2 &* pair &+ 1]) }
        self.init(rowOffsets: rowOffsets, weights: weights, blocks: blocks, slots: slots, groups: group, active: count,
                  blockFactors: UnsafePointer(x.scales), pairs: pairs)
    }
}

/// Bit k (k < 8) set when byte k of `word` (little-endian) is not zero. Per byte, adding 0x7f to its low
/// seven bits carries into bit 7 unless they are all zero, and cannot carry further; the multiply then
/// gathers the eight bit 7s into the top byte (byte k's bit lands on bit 56 + k, and no two partial
/// products meet there).
@inlinable @inline(__always)
public func nonzeroBytes(_ word: UInt64) -> UInt64 {
    let high = ((word & 0x7f7f_7f7f_7f7f_7f7f) &+ 0x7f7f_7f7f_7f7f_7f7f | word) & 0x8080_8080_8080_8080
    return ((high >> 7) &* 0x0102_0408_1020_4080) >> 56
}

/// Requests the lines of the rows two groups ahead as a kernel reaches the same columns in the current
/// group: they arrive while it computes (the rows are scattered through memory, and the hardware
/// prefetchers do not see them coming), and the requests are spread over the pass so that they do not
/// all wait for miss buffers at once. In `plm-bench sparse-matvec --copies 64` (down_proj read from
/// memory), one group ahead, or all of a group's lines at once, were slower.
@usableFromInline
struct RowPrefetcher {
    @usableFromInline let rows: UnsafePointer<Int>
    @usableFromInline let quants: UnsafeRawPointer
    @usableFromInline let first: Int
    @usableFromInline let count: Int

    /// For `group`, whose slots start at `first`.
    @inlinable @inline(__always)
    init(_ plan: Q8GatherPlan, group: Int, first: Int, quants: UnsafeRawPointer) {
        rows = plan.rowOffsets
        self.quants = quants
        let next = group &+ 1 < plan.groups ? Int(plan.slots[group &+ 1]) : 0
        self.first = first &+ Int(plan.slots[group]) &+ next
        count = group &+ 2 < plan.groups ? Int(plan.slots[group &+ 2]) : 0
    }

    /// At each 64-byte line of the columns.
    @inlinable @inline(__always)
    func at(_ column: Int) {
        guard column & 63 == 0 else { return }
        for slot in first..<(first &+ count) { plm_prefetch(quants + (rows[slot] &+ column)) }
    }
}
