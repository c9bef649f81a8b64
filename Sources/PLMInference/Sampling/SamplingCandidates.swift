/// One token under consideration: its id, its logit (after the repetition penalty) and a weight
/// (exp of its logit minus the largest, at the step's temperature).
struct SamplingCandidate {
    var id: Int32
    var logit: Float
    var weight: Float

    /// The candidates' one order: higher logit first, equal logits by lower id. It is total (ids are
    /// distinct and logits are never NaN), so every selection and sort below gives the same result on
    /// every machine, and ties always go to the lower id.
    @inline(__always)
    static func precedes(_ a: SamplingCandidate, _ b: SamplingCandidate) -> Bool {
        a.logit > b.logit || (a.logit == b.logit && a.id < b.id)
    }
}

/// In-place selection and sorting over a candidate buffer, without allocating: top-k and top-p need
/// only the best few of 151,936 tokens in order, so they select them (quickselect, O(n)) and sort only
/// those (heapsort: O(m log m), in place, no worst case).
enum CandidateOrder {
    /// Rearranges `c[range]` so that its first `k` positions hold its `k` best candidates (in no
    /// particular order). Quickselect with a median-of-three pivot; past a depth that only adversarial
    /// input reaches, the rest of the range is heapsorted, which bounds the time at O(n log n).
    static func selectBest(_ c: UnsafeMutablePointer<SamplingCandidate>, _ range: Range<Int>, count k: Int) {
        var lo = range.lowerBound, hi = range.upperBound
        let target = lo + k
        guard k > 0, target < hi else { return }
        var budget = 2 * (Int.bitWidth - hi.leadingZeroBitCount) + 8
        while hi - lo > 16 {
            if budget == 0 { break }
            budget -= 1
            let pivot = partition(c, lo, hi)
            if pivot == target || pivot + 1 == target { return }
            if target < pivot { hi = pivot } else { lo = pivot + 1 }
        }
        sort(c, lo..<hi)
    }

    /// Sorts `c[range]` best first (heapsort: the root of the heap is the worst candidate, moved to the end).
    static func sort(_ c: UnsafeMutablePointer<SamplingCandidate>, _ range: Range<Int>) {
        let base = c + range.lowerBound, n = range.count
        guard n > 1 else { return }
        for start in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(base, start, n) }
        for end in stride(from: n - 1, to: 0, by: -1) {
            swap(base, 0, end)
            siftDown(base, 0, end)
        }
    }

    /// Lomuto partition of c[lo..<hi] around the median of its first, middle and last candidates:
    /// returns the pivot's final index, with better candidates before it and worse after.
    private static func partition(_ c: UnsafeMutablePointer<SamplingCandidate>, _ lo: Int, _ hi: Int) -> Int {
        let mid = lo + (hi - lo) / 2, last = hi - 1
        // Order first, middle, last; the median ends in the middle, then moves to the end as pivot.
        if SamplingCandidate.precedes(c[mid], c[lo]) { swap(c, mid, lo) }
        if SamplingCandidate.precedes(c[last], c[lo]) { swap(c, last, lo) }
        if SamplingCandidate.precedes(c[last], c[mid]) { swap(c, last, mid) }
        swap(c, mid, last)
        let pivot = c[last]
        var store = lo
        for i in lo..<last where SamplingCandidate.precedes(c[i], pivot) {
            swap(c, i, store)
            store += 1
        }
        swap(c, store, last)
        return store
    }

    /// Restores the heap below `root` in c[0..<count]: each parent is worse than its children.
    private static func siftDown(_ c: UnsafeMutablePointer<SamplingCandidate>, _ root: Int, _ count: Int) {
        var parent = root
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var worst = left
            if left + 1 < count, SamplingCandidate.precedes(c[left], c[left + 1]) { worst = left + 1 }
            guard SamplingCandidate.precedes(c[parent], c[worst]) else { return }
            swap(c, parent, worst)
            parent = worst
        }
    }

    @inline(__always)
    private static func swap(_ c: UnsafeMutablePointer<SamplingCandidate>, _ i: Int, _ j: Int) {
        let t = c[i]
        c[i] = c[j]
        c[j] = t
    }
}
