import Foundation
import Shards
import Testing
import Tokenization
@testable import PLMInference
import PLMModel

/// `plm eval`'s figures: the loss is the trainer's validation loss on the same samples, the mask is
/// honoured, and bits per byte divide the total loss in bits by the bytes the targets decode to.
@Suite struct EvaluatorTests {
    let model = EngineTestSupport.model()

    /// 6 samples of 17 tokens (seq_len 16); with a mask, targets 0..<4 of each sample do not count.
    private func writeShards(masked: Bool) throws -> (folder: String, samples: [[Int32]]) {
        let folder = NSTemporaryDirectory() + "plm-eval-\(UUID().uuidString)"
        var columns = [MDSColumn(name: ShardColumns.tokens, element: .uint16, count: 17)]
        if masked { columns.insert(MDSColumn(name: ShardColumns.lossMask, element: .uint8, count: 17), at: 0) }
        let writer = try MDSWriter(directory: folder, columns: columns,
                                   options: MDSWriterOptions(compressionLevel: 3, sizeLimit: 1 << 20))
        let samples = (0..<6).map { EngineTestSupport.tokens(17, seed: UInt64(40 + $0)) }
        for sample in samples {
            var record = [ShardColumns.tokens: sample]
            if masked { record[ShardColumns.lossMask] = (0..<17).map { $0 <= 4 ? 0 : 1 } }
            try writer.write(named: record)
        }
        _ = try writer.finish()
        return (folder, samples)
    }

    @Test(arguments: [false, true]) func lossIsTheTrainersLoss(masked: Bool) throws {
        let (folder, samples) = try writeShards(masked: masked)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 2)
        let result = try Evaluator.evaluate(engine: engine, data: folder, tokenizer: nil, maxSamples: 5)
        let batch = TokenBatch(batchSize: 5, sequenceLength: 16, inputs: samples[0..<5].flatMap { $0.dropLast() },
                               targets: samples[0..<5].flatMap { $0.dropFirst() },
                               lossMask: masked ? (0..<5).flatMap { _ in (1...16).map { $0 <= 4 ? Float(0) : 1 } } : nil)
        let expected = model.loss(batch)
        #expect(result.samples == 5)
        #expect(result.tokens == expected.count)
        #expect(result.tokens == (masked ? 5 * 12 : 5 * 16))
        #expect(abs(result.loss - expected.lossSum / Double(expected.count)) < 1e-4)
        #expect(abs(result.perplexity - exp(result.loss)) < 1e-9)
        #expect(result.bitsPerByte == nil && result.bytes == nil)
    }

    @Test func bitsPerByteCountTheTargetsBytes() throws {
        let (folder, samples) = try writeShards(masked: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A byte-level tokenizer of 96 ids: the special token 0 and 95 single-byte tokens.
        let tokens = ["<|endoftext|>"] + (0..<95).map { String(UnicodeScalar(UInt8(33 + $0))) }
        let model = BPEModel(tokens: tokens, merges: [], addedTokens: [AddedToken(id: 0, content: "<|endoftext|>")],
                             splitPattern: SplitPreset.gpt2.pattern, normalizer: .none, ignoreMerges: false)
        let tokenizer = try BPETokenizer(model: model)
        let engine = PLMEngine(weights: EngineWeights(model: self.model, type: .f32), threads: 1)
        let result = try Evaluator.evaluate(engine: engine, data: folder, tokenizer: tokenizer)
        let bytes = samples.flatMap { $0.dropFirst() }.filter { $0 != 0 }.count
        #expect(result.bytes == bytes)
        #expect(abs(result.bitsPerByte! - result.loss * Double(result.tokens) / log(2) / Double(bytes)) < 1e-9)
    }

    @Test func refusesTokensOutsideTheVocabulary() throws {
        let (folder, _) = try writeShards(masked: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var small = EngineTestSupport.config
        small.vocabSize = 50
        let engine = PLMEngine(weights: EngineWeights(model: EngineTestSupport.model(small), type: .f32), threads: 1)
        #expect(throws: ModelLoadError.self) { try Evaluator.evaluate(engine: engine, data: folder, tokenizer: nil) }
    }
}
