/// Merge rules as an open-addressing hash table: (left id, right id) -> (rank, merged id). The
/// encoder looks a pair up for every adjacent pair of every uncached piece, so this is a flat table
/// probed linearly rather than a Dictionary.
final class MergeTable: @unchecked Sendable {
    // @unchecked Sendable: the buffers are filled in init and only read afterwards.

    /// What `lookup` returns for a pair that is not a merge.
    static let absent = UInt64.max

    private let keys: UnsafeMutablePointer<UInt64>
    private let values: UnsafeMutablePointer<UInt64>
    private let mask: Int
    private let shift: UInt64

    /// `merges[rank] = (left, right, merged)`. A pair listed twice keeps its last rank, as Hugging Face's
    /// merge map does.
    init(_ merges: [(left: Int32, right: Int32, merged: Int32)]) {
        var bits = 4
        while (1 << bits) < max(16, merges.count * 2) { bits += 1 }
        let capacity = 1 << bits
        mask = capacity - 1
        shift = UInt64(64 - bits)
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: Self.absent, count: capacity)
        values = .allocate(capacity: capacity)
        values.initialize(repeating: Self.absent, count: capacity)
        for (rank, merge) in merges.enumerated() {
            let key = Self.key(merge.left, merge.right)
            var slot = slotFor(key)
            while keys[slot] != Self.absent && keys[slot] != key { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merge.merged))
        }
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// `rank << 32 | merged id` of the pair, or `absent`. Ranks compare as the packed values do.
    @inline(__always) func lookup(_ left: Int32, _ right: Int32) -> UInt64 {
        let key = Self.key(left, right)
        var slot = slotFor(key)
        while true {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == Self.absent { return Self.absent }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always) private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always) private func slotFor(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) & mask
    }
}
