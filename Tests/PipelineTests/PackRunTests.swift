import CorpusIO
import Curation
import Foundation
import Shards
import Stages
import Testing
@testable import Pipeline

@Suite("Packing through a pipeline file")
struct PackRunTests {
    private func write(_ text: String, to path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    private let fixtures: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/corpora/chat-example"
    }()

    @Test("the pack section is read strictly")
    func sectionParsing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-pack-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write("""
            name: p
            manifest: m.yaml
            pack: {seq_len: 1023, packing: best_fit, val_fraction: 0.05, seed: 9, compression_level: 0,
                   shard_size: 1MiB, allow_upsample: false, megatron: true, token_type: int32, phases: [a]}
            """, to: folder + "/p.yaml")
        let pack = try PipelineConfig.load(path: folder + "/p.yaml").pack
        #expect(pack.options.seqLen == 1023 && pack.options.packing == .bestFit && pack.options.seed == 9)
        #expect(pack.options.compressionLevel == nil && pack.options.shardSizeLimit == 1 << 20)
        #expect(!pack.options.allowUpsample && pack.options.megatron && pack.tokenType == .int32 && pack.phases == ["a"])
        try write("name: p\nmanifest: m.yaml\npack:\n  seq_len: 8\n  packnig: concat\n", to: folder + "/bad.yaml")
        let error = #expect(throws: ConfigError.self) { try PipelineConfig.load(path: folder + "/bad.yaml") }
        #expect(error?.description.contains("packnig") == true)
    }

    @Test("ingest keeps chat records; pack writes each phase once and resumes")
    func chatAndText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-pack-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write(String(repeating: "Plain prose for pretraining, sentence after sentence.\n", count: 40), to: folder + "/text/a.txt")
        try write("""
            name: m
            sources:
              - {name: chat, paths: \(fixtures)/chat.jsonl, domain: chat}
              - {name: prefs, paths: \(fixtures)/preference.jsonl, domain: chat}
              - {name: prose, paths: text, domain: prose}
            phases:
              - {name: pre, kind: pretrain, tokens: 5K, weights: {prose: 1}}
              - {name: sft-1, kind: sft, weights: {chat: 1}}
              - {name: preference, kind: preference, weights: {prefs: 1}}
            """, to: folder + "/m.yaml")
        try write("""
            name: p
            manifest: m.yaml
            output: \(folder)/out
            ingest: {tasks: 1}
            dedup: {exact: {enabled: false}, minhash: {enabled: false}}
            filters: {by_domain: {default: []}}
            pack: {seq_len: 127, val_fraction: 0}
            """, to: folder + "/p.yaml")
        let loaded = try PipelineConfig.loadWithManifest(path: folder + "/p.yaml")
        _ = try IngestRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest, options: .init(progress: false)) { _ in }
        // Pack reads only the filter stage's output: before it exists, it refuses and says why.
        let loader0: PackRunner.EncoderLoader = { _ in (ByteTokenEncoder(), "bytes") }
        let refused = #expect(throws: ExecutorError.self) {
            try PackRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest, options: .init(), loadEncoder: loader0) { _ in }
        }
        #expect(refused?.message.contains("filter tasks 0 of 1 are not complete") == true)
        _ = try FilterRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest, options: .init(progress: false)) { _ in }
        let loader: PackRunner.EncoderLoader = { _ in (ByteTokenEncoder(), "bytes") }
        let first = try PackRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest, options: .init(),
                                       loadEncoder: loader) { _ in }
        #expect(first.ran == [0, 1, 2] && first.failed.isEmpty)
        let sft = try PhaseReport.load(directory: folder + "/out/pack/sft-1")
        #expect(sft.train.documents == 6)  // 8 records: one unknown role (parse), one empty content (rejected)
        #expect(sft.rejectedDocuments == 1)
        #expect(try ShardVerifier.verify(directory: folder + "/out/pack/sft-1/train").isClean)
        let pre = try PhaseReport.load(directory: folder + "/out/pack/pre")
        #expect(pre.train.packing.tokens + pre.train.packing.droppedTailTokens == 5000)
        // Finished phases are skipped; a phase without its marker is rebuilt.
        let again = try PackRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest, options: .init(),
                                       loadEncoder: loader) { _ in }
        #expect(again.ran.isEmpty && again.skipped == [0, 1, 2])
        let before = try Data(contentsOf: URL(fileURLWithPath: folder + "/out/pack/pre/train/shard.00000.mds.zstd"))
        try FileManager.default.removeItem(atPath: folder + "/out/completions/pack/00000")
        try write("partial", to: folder + "/out/pack/pre/train/shard.00001.mds.zstd.tmp")
        let resumed = try PackRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest, options: .init(phase: "pre"),
                                         loadEncoder: loader) { _ in }
        #expect(resumed.ran == [0])
        #expect(!FileSystem.exists(folder + "/out/pack/pre/train/shard.00001.mds.zstd.tmp"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/out/pack/pre/train/shard.00000.mds.zstd")) == before)
    }
}
