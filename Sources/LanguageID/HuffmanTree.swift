import Foundation

/// The label tree of a hierarchical-softmax model, rebuilt from the label counts the way fastText builds it
/// (labels are stored most frequent first; the two lightest nodes merge until one root is left). Internal
/// node `n` is output row `n - labels`.
struct HuffmanTree: Sendable {
    struct Node: Sendable {
        var left = -1
        var right = -1
        var count: Int64 = 1_000_000_000_000_000
    }

    let labels: Int
    let nodes: [Node]

    init(counts: [Int64]) {
        labels = counts.count
        var nodes = [Node](repeating: Node(), count: max(1, 2 * counts.count - 1))
        for (i, count) in counts.enumerated() { nodes[i].count = count }
        var leaf = counts.count - 1
        var node = counts.count
        for i in counts.count..<max(counts.count, 2 * counts.count - 1) {
            var pair = [0, 0]
            for j in 0..<2 {
                if leaf >= 0 && nodes[leaf].count < nodes[node].count {
                    pair[j] = leaf
                    leaf -= 1
                } else {
                    pair[j] = node
                    node += 1
                }
            }
            nodes[i].left = pair[0]
            nodes[i].right = pair[1]
            // Wrapping: a corrupt file's counts must not trap (fastText's int64 sum would overflow too).
            nodes[i].count = nodes[pair[0]].count &+ nodes[pair[1]].count
        }
        self.nodes = nodes
    }

    /// fastText's depth-first search for the `k` best leaves by summed log probability.
    func best(_ k: Int, threshold: Float, hidden: UnsafeBufferPointer<Float>, output: FastTextMatrix) -> [(score: Float, index: Int)] {
        var heap = PredictionHeap(capacity: k)
        let floor = FastTextModel.stdLog(threshold)
        func visit(_ node: Int, _ score: Float) {
            if score < floor { return }
            if heap.count == k && score < heap.worst { return }
            let current = nodes[node]
            if current.left == -1 && current.right == -1 {
                heap.push(score: score, index: node)
                return
            }
            var f = output.dotRow(node - labels, hidden)
            // 1. / (1 + std::exp(-f)): expf, the int 1 added in float, then a double division stored as a float.
            f = Float(1.0 / Double(1 + Foundation.exp(-f)))
            visit(current.left, score + FastTextModel.stdLog(Float(1.0 - Double(f))))
            visit(current.right, score + FastTextModel.stdLog(f))
        }
        visit(2 * labels - 2, 0)
        return heap.sorted()
    }
}

/// A bounded min-heap on score, as fastText keeps its predictions (`std::push_heap` with `comparePairs`):
/// the worst kept prediction at the top, dropped when a better one arrives past capacity. Same pushes and
/// pops as the C++ heap, so ties resolve the same way.
struct PredictionHeap {
    let capacity: Int
    var items: [(score: Float, index: Int)] = []

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { items.count }
    var worst: Float { items[0].score }

    /// `l.first > r.first`: the heap's "largest" element is the smallest score.
    static func before(_ l: (score: Float, index: Int), _ r: (score: Float, index: Int)) -> Bool { l.score > r.score }

    mutating func push(score: Float, index: Int) {
        items.append((score, index))
        siftUp(items.count - 1)
        if items.count > capacity { popTop() }
    }

    /// The kept predictions, best first (`std::sort_heap`).
    func sorted() -> [(score: Float, index: Int)] {
        var copy = self
        var result: [(score: Float, index: Int)] = []
        while !copy.items.isEmpty {
            result.append(copy.items[0])
            copy.popTop()
        }
        return result.reversed()
    }

    // libstdc++'s push_heap: move the new element up while its parent compares "less".
    private mutating func siftUp(_ start: Int) {
        var hole = start
        let value = items[hole]
        while hole > 0 {
            let parent = (hole - 1) / 2
            guard Self.before(items[parent], value) else { break }
            items[hole] = items[parent]
            hole = parent
        }
        items[hole] = value
    }

    // libstdc++'s pop_heap: the last element goes to the top's place via __adjust_heap.
    private mutating func popTop() {
        let last = items.removeLast()
        guard !items.isEmpty else { return }
        let length = items.count
        var hole = 0
        var child = 0
        while child < (length - 1) / 2 {
            child = 2 * (child + 1)
            if Self.before(items[child], items[child - 1]) { child -= 1 }
            items[hole] = items[child]
            hole = child
        }
        if length & 1 == 0 && child == (length - 2) / 2 {
            child = 2 * (child + 1)
            items[hole] = items[child - 1]
            hole = child - 1
        }
        // __push_heap from the hole with the moved value.
        var parent = (hole - 1) / 2
        while hole > 0 && Self.before(items[parent], last) {
            items[hole] = items[parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        items[hole] = last
    }
}
