import Foundation
import PLMModel
import Testing
import Tokenization
@testable import PLMInference

/// Runs `body` with a fresh folder under the system temporary folder, removed afterwards.
@discardableResult
func withTemporaryFolder<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-tests-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

enum GGUFFixtures {
    /// Text the test tokenizer is trained on: prose, code, digits, CJK, emoji, whitespace runs.
    static let corpus: [String] = [
        "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs away.",
        "In 2024 the model read 12345 documents and 678 books, then it wrote 90 answers.",
        "func main() {\n    let value = compute(42)\n    print(\"value: \\(value)\")\n}\n",
        "def train(model, data):\n\tfor batch in data:\n\t\tmodel.step(batch)\n\treturn model\n",
        "我想在apple工作。今天天气很好，我们去公园散步吧。",
        "Emoji: 🚀 🦙🦙 ✅ and more text with   several   spaces \n\n  and lines.",
        "It's the user's turn; they'll say we've done it, I'm sure they'd agree.",
        "<|im_start|>user\nHello there, how are you?<|im_end|>\n<|im_start|>assistant\nFine, thanks.<|im_end|>\n",
    ]

    /// The texts tokenized in the golden file (and by Benchmarks/llama/check_tokenize.py).
    static let texts: [String] = [
        "Hello world! The quick brown fox jumps over the lazy dog.",
        "func main() {\n    print(\"hi\")\n}\n",
        "我想在apple工作1314151天～",
        "🚀 (normal) 😶‍🌫️ ✅ 🦙🦙",
        "  leading spaces, trailing spaces   \n\n\n\t\ttabs\n",
        "3 33 333 3333 33333 3.14 1,000,000",
        "I've been 'told he's there, 'RE you sure? We'Ve a'lL",
        "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n",
        "end of text<|endoftext|>next document",
    ]

    /// A byte-level BPE of 300 tokens (3 special, 256 bytes, 41 merges) trained on `corpus`.
    static func tokenizerModel(preset: SplitPreset = .qwen2, vocabSize: Int = 300) throws -> BPEModel {
        let counter = WordCounter(preset: preset, workers: 1)
        counter.add(corpus)
        return try BPETrainer(options: .init(vocabSize: vocabSize, preset: preset)).train(counter.finish())
    }

    static func tokenizer(preset: SplitPreset = .qwen2) throws -> GGUFTokenizer {
        try GGUFTokenizer(model: try tokenizerModel(preset: preset),
                          config: TokenizerConfigFile(eosToken: "<|endoftext|>", padToken: "<|endoftext|>"))
    }

    /// A tiny PLM whose rows are all whole q8_0 blocks (32, 64, 128 columns).
    static func config(vocabSize: Int = 300, hiddenSize: Int = 64) -> PLMConfig {
        PLMConfig(hiddenSize: hiddenSize, numHiddenLayers: 2, numAttentionHeads: 2, kvLoraRank: 32, qkNopeHeadDim: 16,
                  qkRopeHeadDim: 8, vHeadDim: 16, intermediateSize: 128, vocabSize: vocabSize,
                  maxPositionEmbeddings: 256)
    }

    /// A seeded model with norms moved off 1, so that every tensor has distinct values.
    static func model(_ config: PLMConfig, seed: UInt64 = 7) -> PLMTransformer {
        let model = PLMTransformer(config: config, seed: seed, options: ModelOptions(threads: 1))
        for tensor in model.layout.tensors where tensor.isNorm {
            for i in 0..<tensor.count { model.parameters[tensor.offset + i] = 1 + Float(i % 7) * 0.01 }
        }
        return model
    }

    /// Writes the tiny model with the test tokenizer as `type` to `path`.
    @discardableResult
    static func writeModel(to path: String, type: WeightType, config: PLMConfig = config(),
                           tokenizer: GGUFTokenizer? = nil) throws -> PLMTransformer {
        let model = model(config)
        try PLMGGUFWriter.write(config: config, tokenizer: try tokenizer ?? self.tokenizer(), weights: model, type: type,
                                name: "gguf-test", to: path)
        return model
    }
}

/// Bytes of a whole file.
func fileBytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

/// Parses an in-memory GGUF image (as `GGUFFile` parses a mapped file).
func parse(_ bytes: [UInt8], path: String = "memory.gguf") throws(GGUFError) -> GGUFFile {
    let storage = WeightStorage(allocating: bytes.count)
    if !bytes.isEmpty {
        bytes.withUnsafeBytes { storage.base.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }
    return try GGUFFile(storage: storage, path: path)
}

/// The error a throwing call raised, as GGUFError (nil when it did not throw one).
func ggufError(_ body: () throws -> Void) -> GGUFError? {
    do { try body() } catch let error as GGUFError { return error } catch { return nil }
    return nil
}
