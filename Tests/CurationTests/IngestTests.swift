import CorpusIO
import Foundation
import Testing
@testable import Curation
import Stages

/// Runs every task of an ingest stage in order on this thread (the executor's pool lives in Pipeline).
func ingest(_ sources: [SourceSpec], root: String, config: IngestConfig = FixtureCorpus.config,
            only: [Int]? = nil) throws -> [TaskStats] {
    let stage = IngestStage(root: root, plan: IngestPlan(sources: sources), config: config)
    let layout = StageLayout(root: root, stage: stage.name)
    try layout.prepare()
    var all: [TaskStats] = []
    for task in only ?? Array(0..<stage.taskCount) where !layout.isComplete(task) {
        let log = TaskLog(task: task)
        let stats = try stage.run(task: task, log: log, progress: ProgressCounters())
        try layout.markComplete(task, stats: stats, log: log)
        all.append(stats)
    }
    return all
}

func totals(_ stats: [TaskStats]) -> [String: SourceStats] {
    var result: [String: SourceStats] = [:]
    for task in stats { for (name, source) in task.sources { result[name, default: SourceStats()].add(source) } }
    return result
}

@Suite("Ingest of a fixture corpus")
struct IngestTests {
    @Test("every input is counted as a document or a skip with the right reason")
    func countsPerReason() throws {
        let folder = try TemporaryFolder()
        let sources = try FixtureCorpus.build(in: folder)
        let sums = totals(try ingest(sources, root: folder.path + "/run"))

        let docs = try #require(sums["docs"])
        #expect(docs.files == 16)
        #expect(docs.documents == 10)
        #expect(docs.skipped == ["binary": 2, "empty": 1, "too_large": 1, "compression_ratio": 1, "corrupt_stream": 1])

        let archives = try #require(sums["archives"])
        #expect(archives.files == 8)
        #expect(archives.documents == 13)
        #expect(archives.skipped == ["binary": 2, "nested_too_deep": 2, "corrupt_archive": 2])

        let records = try #require(sums["records"])
        #expect(records.files == 4)
        #expect(records.documents == 12)
        #expect(records.skipped == ["malformed_jsonl": 8, "missing_text_field": 4, "empty": 4])

        // Each binary skip says what was found (issue 15: the log said only "binary").
        let logFolder = folder.path + "/run/logs/ingest"
        let logs = try FileSystem.list(logFolder).map { String(decoding: try FileInput.readAll(path: logFolder + "/" + $0), as: UTF8.self) }
        let binaryLines = logs.joined().split(separator: "\n").filter { $0.contains("skip binary") }
        #expect(binaryLines.count == 4)
        #expect(binaryLines.allSatisfy { $0.contains("NUL byte at offset") || $0.contains("invalid UTF-8 sequences in") })
    }

    @Test("documents carry cleaned text, stable ids and provenance")
    func documentContents() throws {
        let folder = try TemporaryFolder()
        let sources = try FixtureCorpus.build(in: folder)
        let root = folder.path + "/run"
        _ = try ingest(sources, root: root)
        let byID = Dictionary(uniqueKeysWithValues: try readIngestOutput(root: root).values.joined().map { ($0.id, $0) })

        let crlf = try #require(byID["docs/crlf.md"])
        #expect(crlf.text == "line one\nline two\nline three\n")
        #expect(crlf.source == "docs")
        #expect(crlf.metadata["domain"] == .string("prose"))
        #expect(crlf.metadata["license"] == .string("test"))
        #expect(crlf.metadata["path"] == .string(folder.path + "/corpus/docs/crlf.md"))
        #expect(crlf.metadata["member"] == nil)

        #expect(byID["docs/bom.txt"]?.text == "with a byte-order mark")
        #expect(byID["docs/latin1.txt"]?.text == "caf\u{FFFD} au lait, a longer sentence in Latin-1")
        #expect(byID["docs/z3.txt.xz"]?.text == FixtureCorpus.text)
        #expect(byID["docs/sub/code.py"]?.text == "def f():\n    return 1\n")
        let page = try #require(byID["docs/page.html"]?.text)
        #expect(page.contains("Hello & welcome"))
        #expect(!page.contains("x()") && !page.contains("p{}") && !page.contains("<"))
        #expect(byID["docs/skipme.log"] == nil)

        let member = try #require(byID["archives/all.tar.gz!m/a.txt"])
        #expect(member.metadata["member"] == .string("m/a.txt"))
        #expect(member.added == "2023-11-14T22:13:20Z")
        #expect(byID["archives/all.zip!m/c.txt.gz"]?.text == FixtureCorpus.text)
        #expect(byID["archives/all.zip!m/inner.zip!inner.txt"]?.text == "inside the zip")
        #expect(byID["archives/all.tar.gz!m/inner.zip!inner.txt"]?.metadata["member"] == .string("m/inner.zip!inner.txt"))
        #expect(byID["archives/cut.tar.gz!first.txt"]?.text == FixtureCorpus.text)
        #expect(byID["archives/t.tar.bz2!x.txt"] != nil)

        let record = try #require(byID["records/zst.jsonl.zst#0"])
        #expect(record.text == "first record")
        #expect(record.metadata["id"] == .string("r1"))
        #expect(record.metadata["url"] == .string("https://example.com/1"))
        #expect(record.metadata["meta"] == .object(["n": .int(12_345_678_901_234)]))
        #expect(record.metadata["text"] == nil)
        let clash = try #require(byID["records/plain.jsonl#1"])
        #expect(clash.metadata["record_path"] == .string("their own path"))
        #expect(clash.metadata["path"] == .string(folder.path + "/corpus/jsonl/plain.jsonl"))
        #expect(byID["records/gz.jsonl.gz#7"]?.text == "last record without newline")
    }

    @Test("skips are logged with file and reason")
    func logNamesFiles() throws {
        let folder = try TemporaryFolder()
        let sources = try FixtureCorpus.build(in: folder)
        let root = folder.path + "/run"
        _ = try ingest(sources, root: root)
        let logs = (0..<4).map { (try? String(contentsOfFile: StageLayout(root: root, stage: "ingest").logPath($0), encoding: .utf8)) ?? "" }.joined()
        #expect(logs.contains("skip corrupt_stream docs \(folder.path)/corpus/docs/truncated.txt.gz"))
        #expect(logs.contains("skip malformed_jsonl records \(folder.path)/corpus/jsonl/plain.jsonl line 3 at byte "))
        #expect(logs.contains("skip corrupt_archive archives \(folder.path)/corpus/archives/cut.tar.gz"))
        #expect(logs.contains("truncated gzip input"))
        #expect(logs.contains("skip nested_too_deep archives \(folder.path)/corpus/archives/all.zip!m/deep.zip!deep.zip"))
    }

    @Test("output is byte-identical whatever order or subset the tasks run in, and a killed task resumes")
    func deterministicAndResumable() throws {
        let folder = try TemporaryFolder()
        let sources = try FixtureCorpus.build(in: folder)
        let clean = folder.path + "/clean"
        _ = try ingest(sources, root: clean)

        // A "killed" run: tasks 3 and 1 finished, task 0 died halfway leaving a temporary file.
        let resumed = folder.path + "/resumed"
        _ = try ingest(sources, root: resumed, only: [3, 1])
        try FileSystem.createDirectory(resumed + "/ingest/docs")
        try FileSystem.writeAtomically(Array("half a file".utf8), to: resumed + "/ingest/docs/00000.jsonl.zst.tmp.partial")
        try FileManager.default.moveItem(atPath: resumed + "/ingest/docs/00000.jsonl.zst.tmp.partial",
                                         toPath: resumed + "/ingest/docs/00000.jsonl.zst.tmp")
        #expect(!FileSystem.exists(resumed + "/ingest/docs/00000.jsonl.zst"))
        let rerun = try ingest(sources, root: resumed)
        #expect(rerun.map(\.task) == [0, 2])

        let a = try snapshot(clean + "/ingest")
        let b = try snapshot(resumed + "/ingest")
        #expect(Set(a.keys) == Set(b.keys))
        for (name, bytes) in a { #expect(b[name] == bytes, "\(name) differs") }
        #expect(!a.keys.contains { $0.hasSuffix(".tmp") })
    }

    @Test("the same input split into more tasks gives the same documents in the same order per source")
    func taskSplitKeepsDocuments() throws {
        let folder = try TemporaryFolder()
        let sources = try FixtureCorpus.build(in: folder)
        var one = FixtureCorpus.config
        one.tasks = 1
        _ = try ingest(sources, root: folder.path + "/one", config: one)
        _ = try ingest(sources, root: folder.path + "/four")
        let single = try readIngestOutput(root: folder.path + "/one").values.joined().map(\.id).sorted()
        let split = try readIngestOutput(root: folder.path + "/four").values.joined().map(\.id).sorted()
        #expect(single == split)
        #expect(single.count == 35)
    }
}

@Suite("Ingest of inputs that vanish or cannot be read")
struct UnreadableInputTests {
    @Test("a file that disappears between planning and reading is counted as unreadable; the rest is kept")
    func vanishedFile() throws {
        let folder = try TemporaryFolder()
        try folder.write("c/a.txt", "alpha text")
        try folder.write("c/b.txt", "beta text")
        try folder.write("c/c.txt.gz", "not really gzip")
        let sources = [SourceSpec(name: "s", paths: [folder.path + "/c"])]
        let plan = IngestPlan(sources: sources)
        try FileManager.default.removeItem(atPath: folder.path + "/c/b.txt")
        var config = FixtureCorpus.config
        config.tasks = 1
        let stage = IngestStage(root: folder.path + "/run", plan: plan, config: config)
        let log = TaskLog(task: 0)
        let stats = try stage.run(task: 0, log: log, progress: ProgressCounters())
        let counts = try #require(stats.sources["s"])
        #expect(counts.documents == 1)
        #expect(counts.skipped == ["unreadable": 1, "corrupt_stream": 1])
        #expect(log.text.contains("skip unreadable s \(folder.path)/c/b.txt"))
        #expect(log.text.contains("No such file or directory"))
    }

    @Test("a broken symlink is a walk note, never a crash")
    func brokenLink() throws {
        let folder = try TemporaryFolder()
        try folder.write("c/a.txt", "alpha text")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/c/dangling.txt", withDestinationPath: "/nonexistent/x")
        let plan = IngestPlan(sources: [SourceSpec(name: "s", paths: [folder.path + "/c"])])
        #expect(plan.inputs.map(\.file.relativePath) == ["a.txt"])
        #expect(plan.notes.contains { $0.contains("dangling_link \(folder.path)/c/dangling.txt") })
    }
}

@Suite("One file read as ingest reads it")
struct IngestOneFileTests {
    @Test func documentsAndSkipsOfOneJSONLFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plm-one-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"text\": \"first\"}\nnot json\n{\"text\": \"second\", \"id\": \"x\"}\n{\"title\": 1}\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        var texts: [String] = []
        let source = SourceSpec(name: "s", paths: [path], kind: .jsonl, domain: "web", license: "x")
        let stats = try ingestDocuments(ofFile: path, source: source, config: IngestConfig()) { texts.append($0.text) }
        #expect(texts == ["first", "second"])
        #expect(stats.documents == 2 && stats.skipped == ["malformed_jsonl": 1, "missing_text_field": 1])
        #expect(try ingestDocuments(ofFile: path + ".missing", source: source, config: IngestConfig()) { _ in } == SourceStats())
    }
}
