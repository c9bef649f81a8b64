/// Dense indices for token pairs: the hot lookup of training (every merge moves the counts of the
/// pairs around each occurrence). Open addressing with linear probing over a power-of-two table,
/// at most half full; a pair is never removed, so indices stay valid for the whole run.
struct BPETrainerPairIndex {
    /// The pair key (`left << 32 | right`) of each index.
    private(set) var keys: [UInt64] = []
    /// Index + 1 of the pair in each slot; 0 is empty.
    private var slots: [Int32] = [Int32](repeating: 0, count: 1 << 16)
    private var mask = (1 << 16) - 1

    var count: Int { keys.count }

    func key(_ index: Int32) -> UInt64 { keys[Int(index)] }

    /// The pair's index, adding it when new.
    @inline(__always)
    mutating func index(of left: UInt32, _ right: UInt32) -> (index: Int32, isNew: Bool) {
        let key = UInt64(left) << 32 | UInt64(right)
        var slot = Self.slot(key, mask)
        while true {
            let stored = slots[slot]
            if stored == 0 { break }
            if keys[Int(stored) - 1] == key { return (stored - 1, false) }
            slot = (slot + 1) & mask
        }
        keys.append(key)
        slots[slot] = Int32(keys.count)
        if keys.count * 2 > slots.count { grow() }
        return (Int32(keys.count - 1), true)
    }

    private mutating func grow() {
        let size = slots.count * 2
        let newMask = size - 1
        var newSlots = [Int32](repeating: 0, count: size)
        for (index, key) in keys.enumerated() {
            var slot = Self.slot(key, newMask)
            while newSlots[slot] != 0 { slot = (slot + 1) & newMask }
            newSlots[slot] = Int32(index + 1)
        }
        slots = newSlots
        mask = newMask
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        var hash = key &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 31
        return Int(truncatingIfNeeded: hash >> 16) & mask
    }
}
