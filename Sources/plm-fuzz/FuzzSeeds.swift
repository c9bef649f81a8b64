import Foundation
import LanguageID
import PLMInference
import PLMModel
import Shards
import Tokenization

/// Valid inputs made by our own writers, so that fuzzing of a binary format starts inside it: a
/// fuzzer that begins from nothing rarely gets past an 8-byte length or a magic number. Text formats
/// (YAML, JSONL, tokenizer.json) are seeded from the repository's files by `scripts/fuzz`.
extension FuzzTarget {
    /// Writes the generated seeds into `folder` (a fuzzing corpus) as `seed-<n>`, keeping any there.
    func writeSeeds(into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (index, seed) in try generatedSeeds().enumerated() {
            try seed.write(to: URL(fileURLWithPath: folder + "/seed-\(index)"))
        }
    }

    func generatedSeeds() throws -> [Data] {
        let folder = NSTemporaryDirectory() + "plm-fuzz-seeds-\(getpid())-\(rawValue)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        switch self {
        case .mdsIndex, .mdsShard:
            // The columns the mds-shard harness's fixed index names; uncompressed, as that index says.
            let columns = [MDSColumn(name: "tokens", element: .int32, count: nil),
                           MDSColumn(name: "loss_mask", element: .uint8, count: nil)]
            let writer = try MDSWriter(directory: folder, columns: columns,
                                       options: MDSWriterOptions(compressionLevel: nil, hashes: [.xxh3_64]))
            for length in [1, 5, 17] {
                try writer.write([Array(0..<Int32(length)), Array(repeating: 1, count: length)])
            }
            _ = try writer.finish()
            let name = self == .mdsIndex ? "index.json" : "shard.00000.mds"
            return [try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))]
        case .safetensors:
            let values: [Float] = [1, -2, 0.5, 3, 0, 7]
            var seeds: [Data] = []
            for type in [SafeTensorsFloatType.f32, .f16, .bf16] {
                let path = folder + "/\(type).safetensors"
                try values.withUnsafeBufferPointer { buffer in
                    try SafeTensorsWriter.write([("a.weight", [2, 3], buffer), ("b", [6], buffer)], storing: type, to: path)
                }
                seeds.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
            return seeds
        case .gguf:
            let counter = WordCounter(preset: .qwen2, workers: 1)
            counter.add(["Hello world, the quick brown fox.", "<|im_start|>user\nHi<|im_end|>\n", "func main() {}"])
            let model = try BPETrainer(options: .init(vocabSize: 280, preset: .qwen2)).train(counter.finish())
            let tokenizer = try GGUFTokenizer(model: model, config: TokenizerConfigFile(eosToken: "<|endoftext|>",
                                                                                         padToken: "<|endoftext|>"))
            let vocabulary = max(model.tokens.count, (model.addedTokens.map(\.id).max() ?? 0) + 1)
            let config = PLMConfig(hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2, kvLoraRank: 32,
                                   qkNopeHeadDim: 16, qkRopeHeadDim: 8, vHeadDim: 16, intermediateSize: 64,
                                   vocabSize: vocabulary, maxPositionEmbeddings: 64)
            let weights = PLMTransformer(config: config, seed: 1)
            var seeds: [Data] = []
            for type in WeightType.allCases {
                let path = folder + "/\(type.rawValue).gguf"
                _ = try PLMGGUFWriter.write(config: config, tokenizer: tokenizer, weights: weights, type: type,
                                            name: "seed", to: path)
                seeds.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
            return seeds
        case .html:
            return [Data("""
                <!DOCTYPE html><html><head><title>T &amp; t</title><style>p{}</style><script>x()</script></head>
                <body><h1>Head</h1><p>One <b>two</b> &#x263A; &eacute;<br>three</p><pre>  code\n  more</pre>
                <ul><li>a</li><li>b</li></ul><table><tr><td>1</td><td>2</td></tr></table><!-- c --></body></html>
                """.utf8)]
        case .fasttext:
            // A tiny model of ours (dense, softmax); the quantized and other-loss paths are reached from the
            // repository's fastText fixtures, which scripts/fuzz copies in.
            var options = LanguageTrainerOptions()
            options.dim = 4
            options.buckets = 64
            options.epochs = 1
            options.minTextsPerLanguage = 1
            let texts = [LabelledText(label: "en", package: "p", text: "the file is open"),
                         LabelledText(label: "de", package: "p", text: "die Datei ist offen")]
            return [Data(FastTextWriter.bytes(of: LanguageTrainer(options: options).train(texts)))]
        case .mo:
            // The first catalog of this machine, when it has one (Tests/Fuzz/mo holds a hand-built one too).
            let root = BuiltinLanguageModel.defaultLocaleRoot
            guard let file = CatalogCorpus.catalogFiles(root: root).first,
                  let data = FileManager.default.contents(atPath: file.path), data.count < 1 << 20 else { return [] }
            return [data]
        case .yaml, .jsonl, .tokenizer:
            return []
        }
    }
}
