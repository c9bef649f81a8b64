import CorpusIO
import Foundation
import Testing
@testable import Curation
import Stages

/// Runs every task of a stage in order, skipping completed ones, as the local executor would.
@discardableResult
func runAll(_ stage: some TaskStage, root: String) throws -> [TaskStats] {
    let layout = StageLayout(root: root, stage: stage.name)
    try layout.prepare()
    var all: [TaskStats] = []
    for task in 0..<stage.taskCount where !layout.isComplete(task) {
        let log = TaskLog(task: task)
        let stats = try stage.run(task: task, log: log, progress: ProgressCounters())
        try layout.markComplete(task, stats: stats, log: log)
        all.append(stats)
    }
    return all
}

/// Ingest then all four dedup stages over `sources`.
func dedup(_ sources: [SourceSpec], root: String, tasks: Int = 3, config: DedupConfig = DedupConfig(),
           domains: [String: String] = [:]) throws -> DedupLayout {
    var ingestConfig = IngestConfig()
    ingestConfig.tasks = tasks
    try runAll(IngestStage(root: root, plan: IngestPlan(sources: sources), config: ingestConfig), root: root)
    let layout = DedupLayout(root: root, ingestTasks: tasks, config: config)
    let dedupSources = sources.enumerated().map { DedupSource(name: $1.name, priority: $0, domain: $1.domain) }
    try runAll(SignatureStage(layout: layout, sources: dedupSources), root: root)
    try runAll(BucketStage(layout: layout), root: root)
    try runAll(ClusterStage(layout: layout), root: root)
    try runAll(RemoveStage(layout: layout, sources: dedupSources), root: root)
    return layout
}

func documents(in folder: String) throws -> [Document] {
    var result: [Document] = []
    for source in FileSystem.list(folder) {
        for file in FileSystem.list(folder + "/" + source) where file.hasSuffix(".jsonl.zst") {
            try ZstdLineReader.forEachLine(path: "\(folder)/\(source)/\(file)") { line in
                guard case .line(let bytes, _) = line, !bytes.isEmpty else { return }
                result.append(try JSONDecoder().decode(Document.self, from: Data(bytes)))
            }
        }
    }
    return result
}

/// A corpus with exact copies across two sources, near copies, short and non-Latin documents.
enum DedupCorpus {
    static func words(_ seed: Int, _ count: Int) -> [String] {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            let letters = "abcdefghijklmnopqrstuvwxyz".map(String.init)
            return (0..<(3 + Int(state % 5))).map { letters[Int((state >> UInt64(8 + $0 * 5)) % 26)] }.joined()
        }
    }

    static func build(_ folder: TemporaryFolder) throws -> [SourceSpec] {
        let base = words(1, 400)
        var near = base
        near[200] = "changed"       // one word edit: Jaccard of 5-grams about 0.975
        near[300] = "edited"
        try folder.write("a/original.txt", base.joined(separator: " "))
        try folder.write("a/z-near.txt", near.joined(separator: " "))
        try folder.write("a/unique.txt", words(2, 300).joined(separator: " "))
        try folder.write("a/short1.txt", "four words only here")
        try folder.write("a/short2.txt", "four words only here!")
        try folder.write("a/cjk.txt", String(repeating: "我们的数据管道 处理 文本 和 代码 ", count: 40))
        // Source b is listed second: its exact copy of a/original.txt is the one removed.
        try folder.write("b/copy-of-original.txt", base.joined(separator: " "))
        try folder.write("b/cjk-copy.txt", String(repeating: "我们的数据管道 处理 文本 和 代码 ", count: 40) + " 结束")
        try folder.write("b/unique.txt", words(3, 300).joined(separator: " "))
        return [SourceSpec(name: "a", paths: [folder.path + "/a"], domain: "prose"),
                SourceSpec(name: "b", paths: [folder.path + "/b"], domain: "web")]
    }
}

@Suite("Dedup stages end to end")
struct DedupTests {
    @Test("exact and near copies are removed, the source listed first keeps its copy, short texts stay")
    func removesDuplicates() throws {
        let folder = try TemporaryFolder()
        let sources = try DedupCorpus.build(folder)
        let layout = try dedup(sources, root: folder.path + "/run")
        let kept = Set(try documents(in: layout.root + "/dedup/output").map(\.id))
        #expect(kept == ["a/original.txt", "a/unique.txt", "a/short1.txt", "a/short2.txt", "a/cjk.txt", "b/unique.txt"])
        let removed = try documents(in: layout.root + "/dedup/removed")
        let byID = Dictionary(uniqueKeysWithValues: removed.map { ($0.id, $0) })
        #expect(byID["b/copy-of-original.txt"]?.metadata["dedup_reason"] == .string("exact"))
        #expect(byID["b/copy-of-original.txt"]?.metadata["duplicate_of"] == .string("a/original.txt"))
        #expect(byID["a/z-near.txt"]?.metadata["dedup_reason"] == .string("near"))
        #expect(byID["a/z-near.txt"]?.metadata["duplicate_of"] == .string("a/original.txt"))
        #expect(byID["b/cjk-copy.txt"]?.metadata["duplicate_of"] == .string("a/cjk.txt"))
        #expect(Set(byID.keys) == ["b/copy-of-original.txt", "a/z-near.txt", "b/cjk-copy.txt"])

        let summary = try JSONDecoder().decode(ClusterSummary.self,
                                               from: Data(try FileInput.readAll(path: layout.clusterSummaryPath)))
        #expect(summary.clusters == 2)
        #expect(summary.clusterSizes == ["3": 1, "2": 1])
        #expect(summary.removedByReason == ["exact": 1, "near": 2])
        let removeStats = try StageLayout(root: layout.root, stage: RemoveStage.stageName).allStats()
        var b = SourceStats()
        for task in removeStats { if let counts = task.sources["b"] { b.add(counts) } }
        #expect(b.skipped == ["exact_duplicate": 1, "near_duplicate": 1])
        let copySize = try FileInput.readAll(path: folder.path + "/b/copy-of-original.txt").count
        #expect(b.skippedBytes["exact_duplicate"] == copySize)
    }

    @Test("removal lists and outputs are identical for the same input run twice")
    func deterministic() throws {
        let folder = try TemporaryFolder()
        let sources = try DedupCorpus.build(folder)
        let first = try dedup(sources, root: folder.path + "/one")
        let second = try dedup(sources, root: folder.path + "/two")
        for task in 0..<3 {
            #expect(try FileInput.readAll(path: first.removedListPath(task: task))
                    == FileInput.readAll(path: second.removedListPath(task: task)))
        }
        #expect(try snapshot(first.root + "/dedup/output") == snapshot(second.root + "/dedup/output"))
    }

    @Test("a corrupt or missing signature file is an error naming it, and a rerun repairs it")
    func corruptIntermediate() throws {
        let folder = try TemporaryFolder()
        let sources = try DedupCorpus.build(folder)
        let layout = try dedup(sources, root: folder.path + "/run")
        let dedupSources = sources.enumerated().map { DedupSource(name: $1.name, priority: $0, domain: $1.domain) }
        let expected = try snapshot(layout.root + "/dedup/output")
        let bucketLayout = StageLayout(root: layout.root, stage: BucketStage.stageName)
        let signatureLayout = StageLayout(root: layout.root, stage: SignatureStage.stageName)

        // Flip one byte of task 1's bucket-4 signatures, then redo bucket 4.
        let damaged = layout.signaturePath(bucket: 4, task: 1)
        var bytes = try FileInput.readAll(path: damaged)
        bytes[20] ^= 0xFF
        try FileSystem.writeAtomically(bytes, to: damaged)
        FileSystem.remove(bucketLayout.completionPath(4))
        let stage = BucketStage(layout: layout)
        let error = #expect(throws: CorruptIntermediateError.self) {
            try stage.run(task: 4, log: TaskLog(task: 4), progress: ProgressCounters())
        }
        #expect(error?.path == damaged)
        #expect(error?.description.contains("checksum mismatch") == true)
        #expect(!signatureLayout.isComplete(1))
        // The rerun rebuilds the signatures of task 1, then the bucket.
        try runAll(SignatureStage(layout: layout, sources: dedupSources), root: layout.root)
        try runAll(stage, root: layout.root)

        // A missing file: truncated to nothing by a crash of something else.
        FileSystem.remove(layout.exactPath(task: 2))
        FileSystem.remove(bucketLayout.completionPath(stage.taskCount - 1))
        let missing = #expect(throws: CorruptIntermediateError.self) {
            try stage.run(task: stage.taskCount - 1, log: TaskLog(task: 0), progress: ProgressCounters())
        }
        #expect(missing?.description.contains("missing") == true)
        try runAll(SignatureStage(layout: layout, sources: dedupSources), root: layout.root)
        try runAll(stage, root: layout.root)
        #expect(try snapshot(layout.root + "/dedup/output") == expected)
    }

    @Test("datatrove's keep rule keeps the union-find root; priority keeps the first source")
    func keepPolicies() throws {
        let folder = try TemporaryFolder()
        let sources = try DedupCorpus.build(folder)
        var config = DedupConfig()
        config.keep = .datatrove
        config.exact = false
        let layout = try dedup(sources, root: folder.path + "/dt", config: config)
        let removed = Set(try documents(in: layout.root + "/dedup/removed").map(\.id))
        // Same clusters, one removal fewer than members in each.
        #expect(removed.count == 3)
        #expect(!removed.contains("a/unique.txt") && !removed.contains("a/short1.txt"))
    }

    @Test("union by size keeps datatrove's roots")
    func unionFind() {
        var sets = UnionFind()
        sets.union(1, 2)        // root 1 (tie: the first stays)
        sets.union(3, 1)        // sizes 1 vs 2: 1 stays root
        sets.union(4, 5)
        sets.union(5, 3)        // sizes 2 vs 3: 1 stays
        #expect([1, 2, 3, 4, 5].map { sets.root($0) } == [1, 1, 1, 1, 1])
        sets.union(7, 6)
        #expect(sets.root(6) == 7)
    }

    @Test("the AVX2 and portable kernels give identical minima")
    func kernelsAgree() {
        let (a, b) = MinHashPermutations.parameters(count: 112, seed: 1)
        var state: UInt64 = 42
        let shingles: [UInt64] = (0..<500).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        } + [0, .max, MinHashPermutations.mersennePrime, MinHashPermutations.mersennePrime &+ 1]
        var portable = [UInt64](repeating: UInt64(Int64.max), count: 112)
        var fast = portable
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                portable.withUnsafeMutableBufferPointer { minima in
                    for shingle in shingles { MinHashKernel.foldScalar(shingle, a: a, b: b, into: minima) }
                }
                fast.withUnsafeMutableBufferPointer { minima in
                    shingles.withUnsafeBufferPointer { MinHashKernel.fold($0, a: a, b: b, into: minima) }
                }
            }
        }
        #expect(portable == fast)
        // And both equal the definition, computed with full-width arithmetic.
        let reference = (0..<112).map { index in
            shingles.map { shingle in
                (shingle &* a[index] &+ b[index]) % MinHashPermutations.mersennePrime
            }.min()!
        }
        #expect(portable == reference)
    }
}

@Suite("MinHash on extreme documents")
struct ExtremeDocumentTests {
    @Test("a 100 MB document gets a signature equal to that of its repeated 1 MB block")
    func hugeDocument() throws {
        let words = DedupCorpus.words(9, 5_000)
        var block = ""
        var index = 0
        while block.utf8.count < 1 << 20 {
            block += words[(index &* 7919) % words.count] + " "
            index += 1
        }
        let text = String(repeating: block, count: 100)
        #expect(text.utf8.count >= 100 << 20)
        let hasher = MinHasher(config: MinHashConfig())
        let huge = try #require(hasher.signature(text))
        // The same shingles, plus the few that span a block boundary.
        let twice = try #require(hasher.signature(block + block))
        #expect(huge == twice)
        #expect(huge.allSatisfy { $0 < MinHashPermutations.mersennePrime })
    }

    @Test("texts without one full shingle have no signature; scripts without spaces still shingle")
    func shortAndUnspaced() {
        let hasher = MinHasher(config: MinHashConfig())
        #expect(hasher.signature("") == nil)
        #expect(hasher.signature("   \n\t ") == nil)
        #expect(hasher.signature("one two three four") == nil)
        #expect(hasher.signature("one two three four five") != nil)
        // Chinese without spaces is one "word" to a whitespace tokenizer: no 5-gram.
        #expect(hasher.signature(String(repeating: "数据管道处理文本", count: 100)) == nil)
        #expect(hasher.signature("مرحبا بكم في خط أنابيب البيانات النصية") != nil)
    }
}
