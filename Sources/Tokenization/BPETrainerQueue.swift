/// A candidate merge waiting in the queue, as Hugging Face's trainer keeps one: the pair, its count
/// when queued (re-checked when it reaches the top) and the words it was seen in (`positions`, an
/// index into the run's position lists).
struct BPETrainerCandidate {
    var count: Int64
    /// (left id << 32) | right id, so that comparing keys compares (left, right).
    var pair: UInt64
    /// Dense index of the pair in the run's pair tables.
    var pairIndex: Int32
    /// Index of the word list; lists are made in queueing order, so it also orders equal entries.
    var positions: Int32

    /// Whether `self` is merged before `other`: higher count first, then the smaller pair. Two
    /// entries for the same pair and count (possible after a merge re-creates an existing token)
    /// go in queueing order; Hugging Face leaves that order to its heap.
    @inline(__always)
    func precedes(_ other: BPETrainerCandidate) -> Bool {
        if count != other.count { return count > other.count }
        if pair != other.pair { return pair < other.pair }
        return positions < other.positions
    }
}

/// A binary max-heap of candidates by `precedes`.
struct BPETrainerQueue {
    private var heap: [BPETrainerCandidate] = []

    init(_ candidates: [BPETrainerCandidate]) {
        heap = candidates
        var index = heap.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    mutating func push(_ candidate: BPETrainerCandidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> BPETrainerCandidate? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        siftDown(0)
        return top
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var best = left
            let right = left + 1
            if right < count && heap[right].precedes(heap[left]) { best = right }
            guard heap[best].precedes(heap[parent]) else { return }
            heap.swapAt(best, parent)
            parent = best
        }
    }
}
