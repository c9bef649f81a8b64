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

/// In-place selection and sorting over a candidate buffer, without allocating. Top-k and top-p need
/// only the best few of 151,936 tokens, and neither needs them in order, so neither sorts:
/// top-k keeps a heap of the best k seen so far (one comparison for most tokens), top-p is a
/// quickselect on weight sums. Both are O(n) in practice; only `distribution` sorts what is kept.
enum CandidateOrder {
    /// Rearranges `c[0..<count]` so that its first `k` positions hold the `k` best candidates (in no
    /// particular order). The first k form a heap whose root is the worst of them; each later
    /// candidate that beats the root takes its place. O(n log k) at worst, O(n) on real logits.
    static func keepBest(_ c: UnsafeMutablePointer<SamplingCandidate>, count: Int, k: Int) {
        guard k > 0, k < count else { return }
        for start in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(c, start, k) }
        for i in k..<count where SamplingCandidate.precedes(c[i], c[0]) {
            swap(c, 0, i)
            siftDown(c, 0, k)
        }
    }

    /// Moves to the front the smallest best-first prefix of `c[0..<count]` whose weights add up to at
    /// least `target`, and returns its length (at least 1). A quickselect that, after each partition,
    /// keeps the whole better side when its weight is still below what is needed and otherwise looks
    /// only inside it: O(n) expected. The kept candidates end in no particular order. Past a depth that
    /// only adversarial input reaches, the remaining range is sorted and scanned instead.
    static func nucleus(_ c: UnsafeMutablePointer<SamplingCandidate>, count: Int, target: Double) -> Int {
        var lo = 0, hi = count, needed = target
        var budget = 2 * (Int.bitWidth - count.leadingZeroBitCount) + 8
        while hi - lo > 16, budget > 0 {
            budget -= 1
            let pivot = partition(c, lo, hi)
            var better = 0.0
            for i in lo..<pivot { better += Double(c[i].weight) }
            if better >= needed {
                hi = pivot
                continue
            }
            let throughPivot = better + Double(c[pivot].weight)
            if throughPivot >= needed { return pivot + 1 }
            needed -= throughPivot
            lo = pivot + 1
        }
        sort(c, lo..<hi)
        var cumulative = 0.0
        for i in lo..<hi {
            cumulative += Double(c[i].weight)
            if cumulative >= needed { return i + 1 }
        }
        // Only rounding gets here (or a target above the total): keep the whole range.
        return max(hi, 1)
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
