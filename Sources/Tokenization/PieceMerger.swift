/// Applies BPE merges to one pre-tokenized piece: repeatedly merge the adjacent pair with the lowest
/// rank, the leftmost one on ties (Hugging Face's `Word::merge_all` order). Short pieces keep a
/// rank per adjacent pair in an array and scan it; long ones (a 10 MB run of one character is a
/// single piece) use a linked list and a heap, so the work stays O(n log n) in the piece length.
/// Holds only scratch buffers, reused from piece to piece.
struct PieceMerger {
    /// Pieces longer than this (in bytes) take the heap path.
    static let scanLimit = 128

    private var ids: [Int32] = []
    private var ranks: [UInt64] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var heap = PairHeap()

    /// Appends the ids of `piece` to `output`. Bytes without a single-byte token are skipped (what
    /// Hugging Face does when the vocabulary lacks a byte and there is no unknown token).
    mutating func merge(_ piece: UnsafeBufferPointer<UInt8>, byteIDs: UnsafePointer<Int32>,
                        merges: MergeTable, into output: inout [Int32]) {
        ids.removeAll(keepingCapacity: true)
        for byte in piece {
            let id = byteIDs[Int(byte)]
            if id >= 0 { ids.append(id) }
        }
        if ids.count < 2 {
            output.append(contentsOf: ids)
        } else if ids.count <= Self.scanLimit {
            mergeByScanning(merges: merges, into: &output)
        } else {
            mergeWithHeap(merges: merges, into: &output)
        }
    }

    private mutating func mergeByScanning(merges: MergeTable, into output: inout [Int32]) {
        ranks.removeAll(keepingCapacity: true)
        for index in 0..<(ids.count - 1) { ranks.append(merges.lookup(ids[index], ids[index + 1])) }
        while true {
            // The packed value orders by rank first; strict `<` keeps the leftmost of equal ranks.
            var best = MergeTable.absent
            var bestIndex = -1
            for index in 0..<ranks.count where ranks[index] < best {
                best = ranks[index]
                bestIndex = index
            }
            if bestIndex < 0 { break }
            ids[bestIndex] = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
            ids.remove(at: bestIndex + 1)
            ranks.remove(at: bestIndex)
            if bestIndex > 0 { ranks[bestIndex - 1] = merges.lookup(ids[bestIndex - 1], ids[bestIndex]) }
            if bestIndex < ranks.count { ranks[bestIndex] = merges.lookup(ids[bestIndex], ids[bestIndex + 1]) }
        }
        output.append(contentsOf: ids)
    }

    private mutating func mergeWithHeap(merges: MergeTable, into output: inout [Int32]) {
        let count = ids.count
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        for index in 0..<count {
            previous.append(Int32(index - 1))
            next.append(index + 1 < count ? Int32(index + 1) : -1)
        }
        heap.removeAll()
        for index in 0..<(count - 1) {
            push(merges.lookup(ids[index], ids[index + 1]), at: index)
        }
        while let entry = heap.popMin() {
            let position = Int(entry & 0xFFFF_FFFF)
            let rank = entry >> 32
            // Entries go stale when a neighbour merged since they were pushed: skip those.
            let right = Int(next[position])
            guard ids[position] >= 0, right >= 0 else { continue }
            let current = merges.lookup(ids[position], ids[right])
            guard current != MergeTable.absent, current >> 32 == rank else { continue }
            ids[position] = Int32(truncatingIfNeeded: current & 0xFFFF_FFFF)
            ids[right] = -1
            let afterRight = next[right]
            next[position] = afterRight
            if afterRight >= 0 { previous[Int(afterRight)] = Int32(position) }
            let left = Int(previous[position])
            if left >= 0 { push(merges.lookup(ids[left], ids[position]), at: left) }
            if afterRight >= 0 { push(merges.lookup(ids[position], ids[Int(afterRight)]), at: position) }
        }
        var position = 0
        while position >= 0 {
            output.append(ids[position])
            position = Int(next[position])
        }
    }

    @inline(__always) private mutating func push(_ packed: UInt64, at position: Int) {
        guard packed != MergeTable.absent else { return }
        heap.insert((packed >> 32) << 32 | UInt64(position))
    }
}

/// A binary min-heap of `rank << 32 | position` entries.
struct PairHeap {
    private var storage: [UInt64] = []

    mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    mutating func insert(_ value: UInt64) {
        storage.append(value)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> UInt64? {
        guard let last = storage.popLast() else { return nil }
        guard !storage.isEmpty else { return last }
        let minimum = storage[0]
        storage[0] = last
        var parent = 0
        let count = storage.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let smaller = right < count && storage[right] < storage[left] ? right : left
            guard storage[smaller] < storage[parent] else { break }
            storage.swapAt(smaller, parent)
            parent = smaller
        }
        return minimum
    }
}
