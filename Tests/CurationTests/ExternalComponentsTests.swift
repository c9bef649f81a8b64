import CorpusIO
import Foundation
import Testing
@testable import Curation
import Stages

/// The bounded-memory clustering against the in-memory union-find it replaces: the same components on
/// random graphs (chains, stars, cliques, isolated pairs, loops), with buffers so small that every sort
/// spills many runs and merges them in several passes.
@Suite("External connected components and sorting")
struct ExternalComponentsTests {
    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("plm-cc-\(UUID().uuidString)").path
    }

    /// (vertex, smallest vertex of its component) by union-find, ascending.
    static func expected(_ edges: [(UInt64, UInt64)]) -> [(UInt64, UInt64)] {
        var sets = UnionFind()
        for (a, b) in edges { sets.union(a, b) }
        var smallest: [UInt64: UInt64] = [:]
        for member in sets.members {
            let root = sets.root(member)
            smallest[root] = min(smallest[root] ?? member, member)
        }
        return sets.members.sorted().map { ($0, smallest[sets.root($0)]!) }
    }

    static func components(_ edges: [(UInt64, UInt64)], buffer: Int) throws -> (labels: [(UInt64, UInt64)], runs: Int, passes: Int) {
        let path = folder()
        var components = ExternalComponents(folder: path, bufferBytes: buffer)
        var labels: [(UInt64, UInt64)] = []
        try components.run(edges: { add in for (a, b) in edges { try add(a, b) } }, body: { labels.append(($0, $1)) })
        #expect(!FileManager.default.fileExists(atPath: path), "scratch folder left behind")
        return (labels, components.runsWritten, components.passes)
    }

    static func randomGraph(seed: UInt64, vertices: Int, edges: Int) -> [(UInt64, UInt64)] {
        var state = seed
        func next(_ bound: Int) -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % UInt64(bound)
        }
        var list: [(UInt64, UInt64)] = []
        // Keys shaped like dedup's: ingest task in the high word, document index in the low one.
        func key(_ n: UInt64) -> UInt64 { (n % 7) << 32 | (n * 2_654_435_761 % 100_003) }
        for _ in 0..<edges { list.append((key(next(vertices)), key(next(vertices)))) }
        // A long chain in scrambled order: the worst case for label propagation.
        let chain = (0..<200).map { key(UInt64(vertices + 1 + $0)) }
        for index in stride(from: 199, to: 0, by: -3) { list.append((chain[index], chain[index - 1])) }
        for index in stride(from: 198, to: 0, by: -3) { list.append((chain[index - 1], chain[index])) }
        for index in stride(from: 197, to: 0, by: -3) { list.append((chain[index], chain[index - 1])) }
        // A clique, a star, loops alone and loops on linked vertices.
        let clique = (0..<12).map { key(UInt64(vertices + 300 + $0)) }
        for a in clique { for b in clique where a < b { list.append((b, a)) } }
        for leaf in 0..<40 { list.append((key(UInt64(vertices + 400 + leaf)), key(UInt64(vertices + 399)))) }
        list.append((key(UInt64(vertices + 500)), key(UInt64(vertices + 500))))
        list.append((clique[3], clique[3]))
        return list
    }

    @Test("same components as the union-find, in one buffer and spilled to many runs", arguments: [1 as UInt64, 2, 3])
    func matchesUnionFind(seed: UInt64) throws {
        let edges = Self.randomGraph(seed: seed, vertices: 3000, edges: 2500)
        let want = Self.expected(edges)
        let roomy = try Self.components(edges, buffer: 64 << 20)
        #expect(roomy.runs == 0)
        #expect(roomy.labels.map(\.0) == want.map(\.0) && roomy.labels.map(\.1) == want.map(\.1))
        let tight = try Self.components(edges, buffer: 4096)
        #expect(tight.runs > 100, "the small buffer should spill: \(tight.runs) runs")
        #expect(tight.labels.map(\.0) == want.map(\.0) && tight.labels.map(\.1) == want.map(\.1))
    }

    @Test("no edges: no labels; a graph of loops only: each vertex its own component")
    func degenerate() throws {
        #expect(try Self.components([], buffer: 4096).labels.isEmpty)
        let loops = try Self.components([(5, 5), (3, 3), (5, 5)], buffer: 4096).labels
        #expect(loops.map(\.0) == [3, 5] && loops.map(\.1) == [3, 5])
    }

    @Test("the sorter: byte order with prefixes first, ties by payload, across merge passes")
    func sorterOrder() throws {
        var state: UInt64 = 7
        var records: [([UInt8], [UInt8])] = []
        for _ in 0..<5000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let key = (0..<Int(state >> 61)).map { UInt8(truncatingIfNeeded: state >> (8 * UInt64($0 + 1))) & 0x3 }
            records.append((key, [UInt8(truncatingIfNeeded: state >> 40)]))
        }
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sorter = try ExternalSorter(folder: folder, bufferBytes: 2048, fanIn: 3)
        for (key, payload) in records { try sorter.append(key: key, payload: payload) }
        var out: [([UInt8], [UInt8])] = []
        try sorter.finish { out.append((Array($0), Array($1))) }
        #expect(sorter.runsWritten > 20)
        let want = records.sorted { a, b in a.0 != b.0 ? a.0.lexicographicallyPrecedes(b.0) : a.1.lexicographicallyPrecedes(b.1) }
        #expect(out.map(\.0) == want.map(\.0) && out.map(\.1) == want.map(\.1))
    }
}

/// The clustering stage's two paths on a corpus with many clusters of every size: byte-identical
/// removal lists and summary, with a roomy buffer and with one so small that every sort spills.
@Suite("Clustering in bounded memory")
struct BoundedClusteringTests {
    static func build(_ folder: TemporaryFolder) throws -> [SourceSpec] {
        for base in 0..<60 {
            let words = DedupCorpus.words(100 + base, 120)
            try folder.write("\(["a", "b", "c"][base % 3])/base-\(base).txt", words.joined(separator: " "))
            for copy in 0..<(base % 7) {
                var near = words
                if copy % 2 == 1 { near[10 + copy] = "edit\(copy)" }   // odd copies are near, even ones exact
                try folder.write("\(["a", "b", "c"][(base + copy + 1) % 3])/copy-\(base)-\(copy).txt", near.joined(separator: " "))
            }
        }
        return ["a", "b", "c"].map { SourceSpec(name: $0, paths: [folder.path + "/" + $0], domain: "prose") }
    }

    static func outputs(_ layout: DedupLayout) throws -> [[UInt8]] {
        try (0..<layout.ingestTasks).map { try FileInput.readAll(path: layout.removedListPath(task: $0)) }
            + [try FileInput.readAll(path: layout.clusterSummaryPath)]
    }

    @Test("the external path writes exactly what the in-memory union-find writes", arguments: [256 << 20, 4096])
    func sameAsInMemory(buffer: Int) throws {
        let folder = try TemporaryFolder()
        var config = DedupConfig()
        config.clusterBufferBytes = buffer
        let layout = try dedup(try Self.build(folder), root: folder.path + "/run", tasks: 4, config: config)
        let external = try Self.outputs(layout)
        let log = TaskLog(task: 0)
        _ = try ClusterStage(layout: layout, inMemory: true).run(task: 0, log: log, progress: ProgressCounters())
        let inMemory = try Self.outputs(layout)
        #expect(external == inMemory)
        let summary = try JSONDecoder().decode(ClusterSummary.self, from: Data(external.last!))
        #expect(summary.clusters >= 50 && summary.removed > 100, "\(summary)")
        #expect(!FileManager.default.fileExists(atPath: layout.root + "/dedup/cluster/scratch"))
        if buffer == 4096 {
            let external = TaskLog(task: 0)
            _ = try ClusterStage(layout: layout).run(task: 0, log: external, progress: ProgressCounters())
            #expect(!external.text.contains(" 0 sort runs spilled"), "\(external.text)")
        }
    }
}
