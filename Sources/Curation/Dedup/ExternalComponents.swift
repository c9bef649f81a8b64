import CorpusIO
import Foundation

/// Connected components of a graph too large for memory: the alternating large-star / small-star
/// algorithm of Kiveris et al. ("Connected Components in MapReduce and Beyond", 2014). The edge list
/// lives on disk, sorted by (vertex, neighbour) in both directions; each step is one pass over it that
/// writes a new edge list through an `ExternalSorter`, and the steps alternate until neither changes
/// it. Then every component is a star around its smallest vertex, which labels it. Memory: the sorter's
/// buffer and a few read buffers, whatever the number of edges or vertices.
struct ExternalComponents {
    let folder: String
    let bufferBytes: Int
    /// Passes over the edge list, and sort runs spilled to disk (0: everything fitted in the buffer).
    private(set) var passes = 0
    private(set) var runsWritten = 0

    init(folder: String, bufferBytes: Int) {
        self.folder = folder
        self.bufferBytes = bufferBytes
    }

    /// Labels every vertex with the smallest vertex of its component.
    /// - Parameters:
    ///   - edges: calls its argument once per undirected edge; an edge from a vertex to itself makes
    ///     the vertex a component of its own unless another edge joins it.
    ///   - body: called with (vertex, smallest vertex of its component) in ascending vertex order.
    mutating func run(edges: (_ add: (UInt64, UInt64) throws -> Void) throws -> Void,
                      body: (_ vertex: UInt64, _ component: UInt64) throws -> Void) throws {
        try FileSystem.createDirectory(folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Both fill at once: together they stay within the buffer.
        let loops = try ExternalSorter(folder: folder + "/loops", bufferBytes: bufferBytes / 8)
        let initial = try ExternalSorter(folder: folder + "/sort", bufferBytes: bufferBytes - bufferBytes / 8)
        try edges { a, b in
            if a == b {
                try loops.append(key: ExternalSorter.key(a))
            } else {
                try initial.append(key: ExternalSorter.key(a, b))
                try initial.append(key: ExternalSorter.key(b, a))
            }
        }
        var current = try write(initial, to: folder + "/edges-0.bin")
        var generation = 1
        while true {
            let large = try step(current, large: true, output: folder + "/edges-\(generation).bin")
            let small = try step(large, large: false, output: folder + "/edges-\(generation + 1).bin")
            let unchanged = try Self.sameBytes(current, large) && Self.sameBytes(large, small)
            unlink(current)
            unlink(large)
            current = small
            generation += 2
            if unchanged { break }
        }

        // Stars around each component's minimum: a vertex's label is the smaller of itself and its first
        // neighbour. Vertices seen only in a loop join the ascending stream as their own label.
        var pendingLoops: [UInt64] = []
        try loops.finish { key, _ in
            let vertex = ExternalSorter.word(key, 0)
            if pendingLoops.last != vertex { pendingLoops.append(vertex) }
        }
        var loopIndex = 0
        func flushLoops(below limit: UInt64?) throws {
            while loopIndex < pendingLoops.count, limit.map({ pendingLoops[loopIndex] < $0 }) ?? true {
                try body(pendingLoops[loopIndex], pendingLoops[loopIndex])
                loopIndex += 1
            }
        }
        try Self.forEachEdge(current) { vertex, neighbour, first in
            guard first else { return }
            try flushLoops(below: vertex)
            if loopIndex < pendingLoops.count && pendingLoops[loopIndex] == vertex { loopIndex += 1 }
            try body(vertex, min(vertex, neighbour))
        }
        try flushLoops(below: nil)
        unlink(current)
    }

    /// One large-star (or small-star) pass: for each vertex u with smallest neighbourhood member
    /// m = min(u, N(u)), large-star links every neighbour v > u to m; small-star links every neighbour
    /// v < u, and u itself, to m. Connectivity never changes; the stars grow.
    private mutating func step(_ input: String, large: Bool, output: String) throws -> String {
        let sorter = try ExternalSorter(folder: folder + "/sort", bufferBytes: bufferBytes)
        func link(_ a: UInt64, _ b: UInt64) throws {
            guard a != b else { return }
            try sorter.append(key: ExternalSorter.key(a, b))
            try sorter.append(key: ExternalSorter.key(b, a))
        }
        // Neighbours come in ascending order: the first one settles m for the whole group.
        var smallest: UInt64 = 0
        try Self.forEachEdge(input) { vertex, neighbour, first in
            if first {
                smallest = min(vertex, neighbour)
                if !large { try link(vertex, smallest) }
            }
            if large ? neighbour > vertex : neighbour < vertex { try link(neighbour, smallest) }
        }
        return try write(sorter, to: output)
    }

    /// Writes a sorter's edges to `path` as 16-byte records, duplicates dropped.
    private mutating func write(_ sorter: ExternalSorter, to path: String) throws -> String {
        let file = try AtomicOutputFile(path: path)
        var previous: [UInt8] = []
        try sorter.finish { key, _ in
            guard !key.elementsEqual(previous) else { return }
            previous = Array(key)
            try file.write(key)
        }
        try file.commit()
        passes += 1
        runsWritten += sorter.runsWritten
        return path
    }

    /// Calls `body` with each edge of an edge file in order, saying whether it is its vertex's first
    /// (that is, the one to its smallest neighbour). Memory: one read buffer.
    static func forEachEdge(_ path: String, _ body: (_ vertex: UInt64, _ neighbour: UInt64, _ first: Bool) throws -> Void) throws {
        let reader = try ScratchReader(path: path)
        var vertex: UInt64?
        while let edge = try reader.next(16, { (ExternalSorter.word($0, 0), ExternalSorter.word($0, 1)) }) {
            try body(edge.0, edge.1, edge.0 != vertex)
            vertex = edge.0
        }
    }

    private static func sameBytes(_ a: String, _ b: String) throws -> Bool {
        let x = try PlainFileReader(path: a), y = try PlainFileReader(path: b)
        var left = [UInt8](repeating: 0, count: 1 << 16), right = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = try left.withUnsafeMutableBytes { try x.read(into: $0) }
            var filled = 0
            while filled < got {
                let more = try right.withUnsafeMutableBytes { try y.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled..<got])) }
                if more == 0 { return false }
                filled += more
            }
            if got == 0 { return try right.withUnsafeMutableBytes { try y.read(into: $0) } == 0 }
            if left[0..<got] != right[0..<got] { return false }
        }
    }
}
