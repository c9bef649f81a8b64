import Foundation
import Testing
import Tokenization
@testable import PLMInference
import PLMModel

/// The engine runs the GGUF files we write: the same logits as the model they came from, in every
/// type, and the tokenizer comes back from the file.
@Suite struct GGUFEngineTests {
    @Test(arguments: WeightType.allCases) func ggufRunsAsItsSource(type: WeightType) throws {
        try withTemporaryFolder { folder in
            let config = GGUFFixtures.config()
            let model = EngineTestSupport.model(config)
            let tokenizer = try GGUFFixtures.tokenizer()
            let path = folder + "/model.gguf"
            try PLMGGUFWriter.write(config: config, tokenizer: tokenizer, weights: model, type: type, name: "t", to: path)
            let loaded = try LoadedModel.load(ModelLocation.find(path), threads: 2)
            #expect(loaded.weights.type == type)
            #expect(loaded.weights.layers[0].qProj.type == type)
            #expect(loaded.tokenizer?.tokenizer.model == tokenizer.model)
            let tokens = loaded.tokenizer!.tokenizer.encode(GGUFFixtures.texts[0], allowSpecial: true)
            let fromFile = PLMEngine(weights: loaded.weights, threads: 2)
            let fromModel = PLMEngine(weights: EngineWeights(model: model, type: type), threads: 2)
            let a = try fromFile.forward(tokens, cache: fromFile.makeCache(), output: .allLogits)
            let b = try fromModel.forward(tokens, cache: fromModel.makeCache(), output: .allLogits)
            #expect(a == b)
        }
    }

    /// Asked for another type than the file's, the engine converts: q8_0 read as f32 is the dequantized model.
    @Test func aStoredTypeCanBeConverted() throws {
        try withTemporaryFolder { folder in
            let config = GGUFFixtures.config()
            let path = folder + "/model.gguf"
            try PLMGGUFWriter.write(config: config, tokenizer: try GGUFFixtures.tokenizer(),
                                    weights: EngineTestSupport.model(config), type: .q8_0, name: "t", to: path)
            let asStored = try LoadedModel.load(ModelLocation.find(path), threads: 1)
            let asF32 = try LoadedModel.load(ModelLocation.find(path), type: .f32, threads: 1)
            #expect(asF32.weights.layers[1].upProj.type == .f32)
            #expect(asF32.weights.layers[1].upProj.decoded() == asStored.weights.layers[1].upProj.decoded())
        }
    }
}
