/// Disjoint sets over sparse keys (only documents that appear in a pair), with datatrove's rules so
/// that the surviving roots match `MinhashDedupCluster`: union by size, and on equal sizes the root
/// of the pair's first document stays root. Path compression does not change roots.
struct UnionFind {
    private var parents: [UInt64: UInt64] = [:]
    private var sizes: [UInt64: Int] = [:]

    mutating func root(_ x: UInt64) -> UInt64 {
        var node = x
        while let parent = parents[node], parent != node { node = parent }
        if parents[x] == nil { parents[x] = x }
        // Compress: point every node on the way straight at the root.
        var walker = x
        while walker != node, let parent = parents[walker] {
            parents[walker] = node
            walker = parent
        }
        return node
    }

    mutating func union(_ a: UInt64, _ b: UInt64) {
        var rootA = root(a)
        var rootB = root(b)
        guard rootA != rootB else { return }
        let sizeA = sizes[rootA] ?? 1
        let sizeB = sizes[rootB] ?? 1
        if sizeA < sizeB { swap(&rootA, &rootB) }
        parents[rootB] = rootA
        sizes[rootA] = sizeA + sizeB
        sizes[rootB] = nil
    }

    /// Every key ever seen.
    var members: Dictionary<UInt64, UInt64>.Keys { parents.keys }
}
