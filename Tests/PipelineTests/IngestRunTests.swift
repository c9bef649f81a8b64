import CorpusIO
import Curation
import Foundation
import Testing
@testable import Pipeline
import Stages

/// Ingest driven from YAML through the local executor, as `plm ingest` runs it.
@Suite("Ingest through a pipeline file and the local executor")
struct IngestRunTests {
    /// A corpus folder, a manifest and a pipeline writing to `<folder>/out-<label>`.
    private func makeRun(_ folder: String, label: String, tasks: Int) throws -> (PipelineConfig, Manifest) {
        let corpus = folder + "/corpus"
        if !FileSystem.exists(corpus) {
            try FileSystem.createDirectory(corpus + "/text/nested")
            for index in 0..<40 {
                try Data("document \(index)\nwith some words in it, number \(index * 7).\n".utf8)
                    .write(to: URL(fileURLWithPath: "\(corpus)/text/\(index % 3 == 0 ? "nested/" : "")doc\(index).txt"))
            }
            let archive = try ArchiveWriter(path: corpus + "/bundle.tar.gz", format: .tar, filter: .gzip)
            for index in 0..<25 { try archive.add(path: "member\(index).md", bytes: Array("# member \(index)\n".utf8)) }
            try archive.close()
            let records = (0..<30).map { #"{"id": "\#($0)", "text": "record \#($0)", "url": "u\#($0)"}"# }
            try Data((records.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: corpus + "/records.jsonl"))
        }
        let manifest = """
            name: fixture
            sources:
              - name: text
                paths: corpus/text
                domain: prose
              - name: bundle
                paths: corpus/bundle.tar.gz
                domain: web
              - name: records
                paths: corpus/records.jsonl
                kind: jsonl
                domain: web
                license: cc0
            """
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: folder + "/manifest.yaml"))
        let pipeline = """
            name: fixture
            manifest: manifest.yaml
            output: \(folder)/out-\(label)
            ingest:
              tasks: \(tasks)
            """
        try Data(pipeline.utf8).write(to: URL(fileURLWithPath: "\(folder)/pipeline-\(label).yaml"))
        let loaded = try PipelineConfig.loadWithManifest(path: "\(folder)/pipeline-\(label).yaml")
        return (loaded.pipeline, loaded.manifest)
    }

    private func files(_ root: String) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for source in FileSystem.list(root + "/ingest") {
            for name in FileSystem.list("\(root)/ingest/\(source)") {
                result["\(source)/\(name)"] = try FileInput.readAll(path: "\(root)/ingest/\(source)/\(name)")
            }
        }
        return result
    }

    @Test("outputs are byte-identical with 1 and 3 workers")
    func workerCountDoesNotChangeBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileSystem.createDirectory(folder)
        let (one, manifest) = try makeRun(folder, label: "one", tasks: 5)
        let (three, _) = try makeRun(folder, label: "three", tasks: 5)
        let first = try IngestRunner.run(pipeline: one, manifest: manifest, options: .init(workers: 1, progress: false)) { _ in }
        let second = try IngestRunner.run(pipeline: three, manifest: manifest, options: .init(workers: 3, progress: false)) { _ in }
        #expect(first.failed.isEmpty && second.failed.isEmpty)
        #expect(first.ran == [0, 1, 2, 3, 4] && second.ran == [0, 1, 2, 3, 4])
        let a = try files(one.output)
        let b = try files(three.output)
        #expect(a.count == 5 + 1 + 1)  // text spreads over 5 tasks; one archive, one JSONL file
        #expect(a == b)
        let documents = first.stats.reduce(0) { $0 + $1.sources.values.reduce(0) { $0 + $1.documents } }
        #expect(documents == 40 + 25 + 30)
    }

    @Test("a rerun skips finished tasks; a single --task runs only its share; another task count is refused")
    func resumeAndTaskSelection() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileSystem.createDirectory(folder)
        let (pipeline, manifest) = try makeRun(folder, label: "a", tasks: 4)
        let only = try IngestRunner.run(pipeline: pipeline, manifest: manifest,
                                        options: .init(task: 2, workers: 2, progress: false)) { _ in }
        #expect(only.ran == [2])
        #expect(FileSystem.exists(pipeline.output + "/completions/ingest/00002"))
        #expect(!FileSystem.exists(pipeline.output + "/completions/ingest/00000"))
        let rest = try IngestRunner.run(pipeline: pipeline, manifest: manifest, options: .init(progress: false)) { _ in }
        #expect(rest.ran == [0, 1, 3])
        #expect(rest.skipped == [2])
        let again = try IngestRunner.run(pipeline: pipeline, manifest: manifest, options: .init(progress: false)) { _ in }
        #expect(again.ran.isEmpty && again.skipped == [0, 1, 2, 3])
        #expect(throws: ExecutorError.self) {
            try IngestRunner.run(pipeline: pipeline, manifest: manifest, options: .init(tasks: 3, progress: false)) { _ in }
        }
        #expect(throws: ExecutorError.self) {
            try IngestRunner.run(pipeline: pipeline, manifest: manifest, options: .init(task: 9, progress: false)) { _ in }
        }
    }
}
