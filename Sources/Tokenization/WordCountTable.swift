import Foundation

/// A hash table from byte strings (pre-tokenized pieces) to counts, for counting words: keys live
/// back to back in one byte arena, so memory grows with the distinct words and adding a piece that
/// is already there allocates nothing. Open addressing with linear probing over a power-of-two
/// slot array kept at most half full.
public struct WordCountTable: Sendable {
    /// One distinct word: where its bytes are in `arena`, its hash and its count.
    struct Entry {
        var hash: UInt64
        var start: Int
        var length: Int
        var count: Int
    }

    private(set) var arena: [UInt8] = []
    private(set) var entries: [Entry] = []
    /// High 32 bits of the word's hash, then index + 1 into `entries` in the low 32 bits; 0 is empty.
    private var slots: [UInt64]
    private var mask: Int

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// How many distinct words the table holds.
    public var distinctWords: Int { entries.count }

    /// Adds `count` occurrences of the byte string `word`.
    public mutating func add(_ word: UnsafeBufferPointer<UInt8>, count: Int = 1) {
        let hash = Self.hash(word)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { break }
            // The tag (high hash bits) rules out almost every other word without touching its entry.
            if stored & 0xFFFF_FFFF_0000_0000 == tag {
                let index = Int(truncatingIfNeeded: stored & 0xFFFF_FFFF) - 1
                let entry = entries[index]
                if entry.length == word.count && equalsArena(entry.start, word) {
                    entries[index].count += count
                    return
                }
            }
            slot = (slot + 1) & mask
        }
        entries.append(Entry(hash: hash, start: arena.count, length: word.count, count: count))
        arena.append(contentsOf: word)
        slots[slot] = tag | UInt64(entries.count)
        if entries.count * 2 > slots.count { grow() }
    }

    /// Adds `count` occurrences of `word` (convenience for tests and small inputs).
    public mutating func add<Bytes: Collection>(_ word: Bytes, count: Int = 1) where Bytes.Element == UInt8 {
        let bytes = Array(word)
        bytes.withUnsafeBufferPointer { add($0, count: count) }
    }

    /// Adds every word of `other` with its count.
    public mutating func merge(_ other: WordCountTable) {
        other.arena.withUnsafeBufferPointer { arena in
            for entry in other.entries {
                add(UnsafeBufferPointer(rebasing: arena[entry.start..<(entry.start + entry.length)]), count: entry.count)
            }
        }
    }

    /// The distinct words with their counts, in the order they were first seen.
    public func wordCounts() -> WordCounts {
        var offsets = [Int](repeating: 0, count: entries.count + 1)
        var counts = [Int](repeating: 0, count: entries.count)
        // The arena already holds the words back to back in entry order (each is appended once).
        for (index, entry) in entries.enumerated() {
            offsets[index] = entry.start
            counts[index] = entry.count
        }
        offsets[entries.count] = arena.count
        return WordCounts(bytes: arena, offsets: offsets, counts: counts)
    }

    private func equalsArena(_ start: Int, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        arena.withUnsafeBufferPointer { arena in
            guard let base = arena.baseAddress, let other = word.baseAddress else { return word.isEmpty }
            // Most pieces are short: compare up to 8 bytes without a call.
            if word.count <= 8 {
                for offset in 0..<word.count where base[start + offset] != other[offset] { return false }
                return true
            }
            return memcmp(base + start, other, word.count) == 0
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & newMask
            while newSlots[slot] != 0 { slot = (slot + 1) & newMask }
            newSlots[slot] = (entry.hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        }
        slots = newSlots
        mask = newMask
    }

    /// A fast multiply-mix hash over 8-byte words (pieces are short; quality only needs to spread
    /// them over the slots).
    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash: UInt64 = UInt64(word.count) &* multiplier
        guard let base = word.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= word.count {
            let chunk = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = (hash ^ chunk) &* multiplier
            hash ^= hash >> 29
            offset += 8
        }
        if offset < word.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < word.count {
                tail |= UInt64(base[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = (hash ^ tail) &* multiplier
            hash ^= hash >> 29
        }
        hash = (hash ^ (hash >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return hash ^ (hash >> 32)
    }
}
