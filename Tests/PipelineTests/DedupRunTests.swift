import CorpusIO
import Curation
import Foundation
import Testing
@testable import Pipeline
import Stages

@Suite("Dedup through a pipeline file")
struct DedupRunTests {
    private func setUp(_ folder: String, dedup: String = "") throws -> (PipelineConfig, Manifest) {
        try FileSystem.createDirectory(folder + "/corpus/a")
        try FileSystem.createDirectory(folder + "/corpus/b")
        // Letters only: the simplifier turns every digit run into 0.
        func word(_ n: Int) -> String {
            var value = n, letters: [Character] = []
            repeat {
                letters.append(Character(UnicodeScalar(UInt8(97 + value % 26))))
                value /= 26
            } while value > 0
            return String(letters)
        }
        let paragraph = (0..<120).map { "w" + word($0 * 7 + 3) }.joined(separator: " ")
        for index in 0..<12 {
            try Data("\(paragraph) unique\(word(index)) tail\(word(index + 40))".utf8).write(to: URL(fileURLWithPath: "\(folder)/corpus/a/\(index).txt"))
        }
        try Data(paragraph.utf8).write(to: URL(fileURLWithPath: "\(folder)/corpus/b/copy.txt"))
        try Data("""
            name: m
            sources:
              - {name: a, paths: corpus/a, domain: prose}
              - {name: b, paths: corpus/b, domain: web}
            """.utf8).write(to: URL(fileURLWithPath: folder + "/manifest.yaml"))
        try Data("""
            name: p
            manifest: manifest.yaml
            output: \(folder)/out
            ingest: {tasks: 3}
            \(dedup)
            """.utf8).write(to: URL(fileURLWithPath: folder + "/pipeline.yaml"))
        let loaded = try PipelineConfig.loadWithManifest(path: folder + "/pipeline.yaml")
        return (loaded.pipeline, loaded.manifest)
    }

    @Test("dedup needs a finished ingest, then runs its four stages once and resumes")
    func stagesRunAndResume() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-dedup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (pipeline, manifest) = try setUp(folder)
        #expect(throws: ExecutorError.self) {
            try DedupRunner.run(pipeline: pipeline, manifest: manifest, options: .init(progress: false)) { _ in }
        }
        _ = try IngestRunner.run(pipeline: pipeline, manifest: manifest, options: .init(progress: false)) { _ in }

        // One stage, one task, as a cluster array element would run it.
        let one = try DedupRunner.run(pipeline: pipeline, manifest: manifest,
                                      options: .init(stages: [.signatures], task: 1, progress: false)) { _ in }
        #expect(one.map(\.stage) == [.signatures] && one[0].summary.ran == [1])
        #expect(throws: ExecutorError.self) {
            try DedupRunner.run(pipeline: pipeline, manifest: manifest,
                                options: .init(stages: [.buckets], tasks: 3, progress: false)) { _ in }
        }
        let all = try DedupRunner.run(pipeline: pipeline, manifest: manifest, options: .init(progress: false)) { _ in }
        #expect(all.map(\.stage) == DedupRunner.Stage.allCases)
        #expect(all[0].summary.ran == [0, 2] && all[0].summary.skipped == [1])
        #expect(all[1].summary.ran.count == 15)
        #expect(all.allSatisfy { $0.summary.failed.isEmpty })
        let again = try DedupRunner.run(pipeline: pipeline, manifest: manifest, options: .init(progress: false)) { _ in }
        #expect(again.allSatisfy { $0.summary.ran.isEmpty })

        // The 12 near-identical documents of source a and the copy in b form one cluster; a's first
        // document by id stays.
        let summary = try JSONDecoder().decode(ClusterSummary.self, from: Data(
            try FileInput.readAll(path: pipeline.output + "/dedup/clusters/summary.json")))
        #expect(summary.clusters == 1)
        #expect(summary.removed == 12)
    }

    @Test("the dedup section is read strictly")
    func sectionParsing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-dedup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (pipeline, _) = try setUp(folder, dedup: """
            dedup:
              exact: {enabled: false}
              minhash: {buckets: 20, hashes_per_bucket: 5, keep: datatrove, code_domains: [code]}
              write_removed: false
            """)
        #expect(pipeline.dedup.exact == false)
        #expect(pipeline.dedup.minhashConfig.buckets == 20 && pipeline.dedup.minhashConfig.hashesPerBucket == 5)
        #expect(pipeline.dedup.keep == .datatrove)
        #expect(pipeline.dedup.codeDomains == ["code"])
        #expect(pipeline.dedup.writeRemoved == false)
        let bad = folder + "/bad.yaml"
        try Data("name: p\nmanifest: manifest.yaml\ndedup:\n  minhash:\n    bands: 3\n".utf8).write(to: URL(fileURLWithPath: bad))
        let error = #expect(throws: ConfigError.self) { try PipelineConfig.load(path: bad) }
        #expect(error?.description.hasPrefix("\(bad):5:5: unknown key 'bands'") == true)
    }
}
