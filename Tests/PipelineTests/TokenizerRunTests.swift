import CorpusIO
import Curation
import Foundation
import Testing
import Tokenization
@testable import Pipeline
import Stages

@Suite("Tokenizer training through a pipeline file")
struct TokenizerRunTests {
    private func write(_ text: String, to path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    private func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("plm-tokenizer-\(UUID().uuidString)").path
    }

    @Test("the tokenizer section is read strictly, with defaults for absent keys")
    func sectionParsing() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write("name: p\nmanifest: m.yaml\n", to: folder + "/default.yaml")
        let defaults = try TokenizerConfig.load(from: PipelineConfig.load(path: folder + "/default.yaml"))
        #expect(defaults == TokenizerConfig())
        #expect(defaults.specialTokens == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        #expect(defaults.outputFolder(root: "/r") == "/r/tokenizer")

        try write("""
            name: p
            manifest: m.yaml
            tokenizer:
              vocab_size: 4096
              preset: llama3
              special_tokens: ["<|pad|>", "<|endoftext|>"]
              min_frequency: 5
              sample: 20MB
              output: /tmp/tok
            """, to: folder + "/p.yaml")
        let config = try TokenizerConfig.load(from: PipelineConfig.load(path: folder + "/p.yaml"))
        #expect(config.vocabSize == 4096)
        #expect(config.preset == .llama3)
        #expect(config.specialTokens == ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"])
        #expect(config.minFrequency == 5)
        #expect(config.sampleBytes == 20_000_000)
        #expect(config.outputFolder(root: "/r") == "/tmp/tok")

        for (yaml, message) in [
            ("tokenizer:\n  vocab_sise: 10\n", "unknown key 'vocab_sise'"),
            ("tokenizer:\n  preset: gpt4\n", "one of gpt2, llama3, qwen2"),
            ("tokenizer:\n  vocab_size: 200\n", "at least 259"),
            ("tokenizer:\n  special_tokens: \"\"\n", "a list of strings"),
            ("tokenizer:\n  sample: lots\n", "a byte size"),
        ] {
            try write("name: p\nmanifest: m.yaml\n" + yaml, to: folder + "/bad.yaml")
            let error = #expect(throws: ConfigError.self) {
                try TokenizerConfig.load(from: PipelineConfig.load(path: folder + "/bad.yaml"))
            }
            #expect(error?.description.contains(message) == true, "\(error?.description ?? "no error")")
            #expect(error?.description.contains("bad.yaml:") == true)
        }
    }

    @Test("sample budgets follow phase weights, else source sizes")
    func sampleFractions() {
        let available = ["a": 1000, "b": 3000]
        #expect(TokenizerRunner.sampleFractions(sources: ["a", "b"], available: available, weights: [:], budget: nil)
                == ["a": 1, "b": 1])
        // 2000 bytes by size: a gets 500 of 1000, b 1500 of 3000.
        #expect(TokenizerRunner.sampleFractions(sources: ["a", "b"], available: available, weights: [:], budget: 2000)
                == ["a": 0.5, "b": 0.5])
        // Weights 3:1 of 2000: a would get 1500 but has 1000 (taken whole); b gets the other 1000 of 3000.
        let weighted = TokenizerRunner.sampleFractions(sources: ["a", "b"], available: available,
                                                       weights: ["a": 3, "b": 1], budget: 2000)
        #expect(weighted["a"] == 1)
        #expect(abs((weighted["b"] ?? 0) - 1000.0 / 3000.0) < 1e-12)
        // Weights 1:1 of 1000: 500 each. A source without a weight gets nothing; a budget above
        // everything takes everything.
        let even = TokenizerRunner.sampleFractions(sources: ["a", "b", "c"], available: ["a": 1000, "b": 3000, "c": 50],
                                                   weights: ["a": 1, "b": 1], budget: 1000)
        #expect(even == ["a": 0.5, "b": 500.0 / 3000.0])
        #expect(TokenizerRunner.sampleFractions(sources: ["a", "b"], available: available, weights: [:], budget: 10_000)
                == ["a": 1, "b": 1])
    }

    @Test("systematic sampling takes about the fraction of the bytes, spread over the file")
    func sampledReading() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var lines = ""
        for index in 0..<100 { lines += "{\"text\": \"document number \(index) \(String(repeating: "x", count: index % 7))\"}\n" }
        try write(lines, to: folder + "/docs.jsonl")
        let all = WordCounter(preset: .gpt2, workers: 2)
        let whole = try TokenizerCorpus.count([TokenizerInputFile(path: folder + "/docs.jsonl")], into: all)
        #expect(whole.documents == 100)
        let some = WordCounter(preset: .gpt2, workers: 2)
        let part = try TokenizerCorpus.count([TokenizerInputFile(path: folder + "/docs.jsonl", fraction: 0.25, source: "s")],
                                             into: some, batchBytes: 100)
        #expect(abs(Double(part.bytes) - 0.25 * Double(whole.bytes)) <= 30)
        #expect(part.bySource["s"]?.documents == part.documents)
        #expect((20...30).contains(part.documents))

        try write("{\"text\": 1}\n", to: folder + "/bad.jsonl")
        let error = #expect(throws: CorruptInputError.self) {
            try TokenizerCorpus.count([TokenizerInputFile(path: folder + "/bad.jsonl")], into: some)
        }
        #expect(error?.path.hasSuffix("bad.jsonl") == true)
    }

    @Test("plain text files are one document each; literal special tokens are trained on as text")
    func plainTextFiles() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try write("hello hello <|endoftext|>\n", to: folder + "/a.txt")
        let counter = WordCounter(preset: .gpt2, workers: 1)
        let totals = try TokenizerCorpus.count([TokenizerInputFile(path: folder + "/a.txt")], into: counter)
        #expect(totals.documents == 1)
        #expect(counter.finish().distinctWords == 6)  // hello, " hello", " <|", endoftext, "|>", "\n"
    }

    @Test("plm run's stage trains on the filtered documents once; a rerun skips it")
    func endToEnd() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let prose = "The quick brown fox jumps over the lazy dog. It's a sentence that is long enough to keep. "
        for index in 0..<6 {
            try write(String(repeating: prose + "Number \(index) here.\n", count: 3), to: folder + "/docs/d\(index).txt")
        }
        try write("name: m\nsources:\n  - {name: docs, paths: docs, kind: text, domain: prose}\n", to: folder + "/m.yaml")
        try write("""
            name: p
            manifest: m.yaml
            output: \(folder)/out
            ingest: {tasks: 2}
            dedup: {exact: {enabled: false}, minhash: {enabled: false}}
            filters: {by_domain: {default: []}}
            tokenizer: {vocab_size: 300, preset: gpt2, min_frequency: 1}
            """, to: folder + "/p.yaml")
        let loaded = try PipelineConfig.loadWithManifest(path: folder + "/p.yaml")
        #expect(throws: ExecutorError.self) {
            try TokenizerRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest, options: .init(progress: false)) { _ in }
        }
        _ = try IngestRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest, options: .init(progress: false)) { _ in }
        _ = try FilterRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest, options: .init(progress: false)) { _ in }
        let summary = try TokenizerRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest,
                                              options: .init(progress: false)) { _ in }
        #expect(summary.totals.documents == 6)
        #expect(summary.model?.vocabSize == 300)
        #expect(summary.model?.tokens.prefix(3) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        // The folder reads back into the same vocabulary and merges; the config names the ChatML roles.
        let written = try TokenizerFileReader.read(path: TokenizerFolder.mainFile(in: "\(folder)/out/tokenizer"))
        #expect(written.tokens == summary.model?.tokens)
        #expect(written.merges == summary.model?.merges)
        #expect(written.addedTokens.map(\.content) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        let config = try String(contentsOfFile: "\(folder)/out/tokenizer/tokenizer_config.json", encoding: .utf8)
        #expect(config.contains("\"eos_token\": \"<|endoftext|>\""))
        #expect(config.contains("<|im_start|>' + message['role']"))
        #expect(config.contains("\"model_max_length\": 2048"))
        #expect(FileSystem.exists("\(folder)/out/completions/tokenizer/00000"))
        let again = try TokenizerRunner.run(pipeline: loaded.pipeline, manifest: loaded.manifest,
                                            options: .init(progress: false)) { _ in }
        #expect(again.skipped)
    }
}
