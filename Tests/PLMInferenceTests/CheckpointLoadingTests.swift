import Foundation
import Testing
@testable import PLMInference
import PLMModel
import Tokenization

/// The engine loads checkpoint folders (ours, and Hugging Face folders in bf16) and finds them from
/// the places a user names: a checkpoint folder, a run's phase folder.
@Suite struct CheckpointLoadingTests {
    let model = EngineTestSupport.model()
    let tokens = EngineTestSupport.tokens(12)

    private func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "plm-engine-load-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test(arguments: [WeightType.f32, .q8_0]) func ourCheckpointRunsAsTheModelInMemory(type: WeightType) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Checkpoint.writeModel(model, to: folder)
        let loaded = try LoadedModel.load(ModelLocation.find(folder), type: type, threads: 2)
        #expect(loaded.tokenizer == nil)
        #expect(loaded.weights.layers[1].downProj.type == type)
        let engine = PLMEngine(weights: loaded.weights, threads: 2)
        let reference = PLMEngine(weights: EngineWeights(model: model, type: type), threads: 2)
        let a = try engine.forward(tokens, cache: engine.makeCache(), output: .allLogits)
        let b = try reference.forward(tokens, cache: reference.makeCache(), output: .allLogits)
        #expect(a == b)
    }

    /// A Hugging Face folder of two bf16 shards with an index: the same logits as the model whose
    /// weights are those bf16 values.
    @Test func bf16ShardedFolderLoads() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rounded = EngineTestSupport.model()
        for i in 0..<rounded.layout.totalCount {
            rounded.parameters[i] = SafeTensorsFloatType.bfloat16ToFloat(
                SafeTensorsFloatType.floatToBFloat16(rounded.parameters[i]))
        }
        let halves = [Array(rounded.layout.tensors.prefix(10)), Array(rounded.layout.tensors.dropFirst(10))]
        var weightMap: [String: String] = [:]
        for (index, tensors) in halves.enumerated() {
            let name = "model-0000\(index + 1)-of-00002.safetensors"
            try SafeTensorsWriter.write(tensors.map { tensor in
                (tensor.name, tensor.shape, UnsafeBufferPointer(rebasing: model.parameters[tensor.offset..<(tensor.offset + tensor.count)]))
            }, storing: .bf16, to: folder + "/" + name)
            for tensor in tensors { weightMap[tensor.name] = name }
        }
        let index = try JSONSerialization.data(withJSONObject: ["metadata": [:], "weight_map": weightMap])
        try index.write(to: URL(fileURLWithPath: folder + "/model.safetensors.index.json"))
        try HFConfigFile(config: model.config).write(to: folder + "/config.json")
        let loaded = try LoadedModel.load(ModelLocation.find(folder), threads: 2)
        let engine = PLMEngine(weights: loaded.weights, threads: 2)
        let logits = try engine.forward(tokens, cache: engine.makeCache(), output: .allLogits)
        let expected = EngineTestSupport.trainerLogits(rounded, tokens)
        #expect(EngineTestSupport.relativeDifference(logits[...], expected[...]) < 1e-5)
    }

    /// A run's phase folder leads to its newest checkpoint and to the run's tokenizer folder.
    @Test func runPhaseFolderLeadsToItsCheckpointAndTokenizer() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let step = root + "/train/anneal/checkpoints/step-00000080"
        try FileManager.default.createDirectory(atPath: step, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/tokenizer", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: root + "/tokenizer/tokenizer.json", contents: Data("{}".utf8))
        try Checkpoint.writeModel(model, to: step)
        try "step-00000080\n".write(toFile: root + "/train/anneal/checkpoints/latest", atomically: true, encoding: .utf8)
        let location = try ModelLocation.find(root + "/train/anneal")
        #expect(location.format == .checkpointFolder)
        #expect(location.path == step)
        #expect(location.tokenizerFolder == root + "/tokenizer")
        #expect(throws: ModelLoadError.self) { try ModelLocation.find(root + "/tokenizer") }
        #expect(throws: ModelLoadError.self) { try ModelLocation.find(root + "/nothing-here") }
    }

    /// A tokenizer made for another vocabulary is refused, naming both sizes.
    @Test func tokenizerVocabularyMustMatch() throws {
        let trained = try Tokenization.BPETrainer(options: .init(vocabSize: 259)).train(.init(["ab": 1]))
        let tokenizer = ModelTokenizer(tokenizer: try .init(model: trained), config: .init())
        #expect(throws: EngineError.vocabularyMismatch(tokenizer: 259, model: 96)) {
            try tokenizer.check(modelVocabulary: 96)
        }
        try tokenizer.check(modelVocabulary: 259)
        try tokenizer.check(modelVocabulary: 320)      // padded to a multiple of 64, as HF checkpoints do
    }
}
