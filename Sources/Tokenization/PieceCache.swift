/// A bounded cache from a piece's bytes to its token ids. Natural text repeats a small set of pieces
/// (words with their leading space) over and over, so most pieces are answered here without merging.
/// When full it is simply cleared: cheaper than any eviction policy and bounded in memory.
struct PieceCache {
    /// Pieces longer than this are not cached (they are rare, and would fill the byte store).
    static let maxPieceLength = 64

    private struct Slot {
        var hash: UInt64 = 0
        var keyStart: Int32 = 0
        var keyLength: Int32 = -1   // -1: empty slot
        var valueStart: Int32 = 0
        var valueCount: Int32 = 0
    }

    private let slotBits: Int
    private var slots: [Slot]
    private var keys: [UInt8] = []
    private var values: [Int32] = []
    private var entries = 0

    init(slotBits: Int = 16) {
        self.slotBits = slotBits
        slots = [Slot](repeating: Slot(), count: 1 << slotBits)
    }

    /// A well-mixed 64-bit hash of the bytes.
    @inline(__always) static func hash(_ piece: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = piece.count
        var state = UInt64(count) &* 0x9E37_79B9_7F4A_7C15
        guard let base = piece.baseAddress else { return state }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= count {
            state = (state ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            state ^= state >> 32
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(base[offset]) << shift
                shift += 8
                offset += 1
            }
            state = (state ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        state ^= state >> 29
        state = state &* 0xBF58_476D_1CE4_E5B9
        return state ^ (state >> 32)
    }

    /// Appends the cached ids of `piece` to `output`; false when the piece is not cached.
    @inline(__always) func append(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64, to output: inout [Int32]) -> Bool {
        let mask = (1 << slotBits) - 1
        var index = Int(truncatingIfNeeded: hash >> 16) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[index]
                if slot.keyLength < 0 { return false }
                if slot.hash == hash, Int(slot.keyLength) == piece.count, keysEqual(slot, piece) {
                    let start = Int(slot.valueStart)
                    values.withUnsafeBufferPointer { values in
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: values[start..<start + Int(slot.valueCount)]))
                    }
                    return true
                }
                index = (index + 1) & mask
            }
        }
    }

    mutating func insert(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64, ids: ArraySlice<Int32>) {
        if entries >= (1 << slotBits) / 2 { clear() }
        let mask = (1 << slotBits) - 1
        var index = Int(truncatingIfNeeded: hash >> 16) & mask
        while slots[index].keyLength >= 0 { index = (index + 1) & mask }
        slots[index] = Slot(hash: hash, keyStart: Int32(keys.count), keyLength: Int32(piece.count),
                            valueStart: Int32(values.count), valueCount: Int32(ids.count))
        keys.append(contentsOf: piece)
        values.append(contentsOf: ids)
        entries += 1
    }

    private mutating func clear() {
        for index in slots.indices { slots[index].keyLength = -1 }
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        entries = 0
    }

    @inline(__always) private func keysEqual(_ slot: Slot, _ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        keys.withUnsafeBufferPointer { keys in
            let start = Int(slot.keyStart)
            for offset in 0..<piece.count where keys[start + offset] != piece[offset] { return false }
            return true
        }
    }
}
