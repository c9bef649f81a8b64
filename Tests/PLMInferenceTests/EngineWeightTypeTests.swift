import Testing
@testable import PLMInference
import PLMModel

/// f16 and q8_0 weights run the same model: logits stay close to f32's (f16 keeps 11 significant bits,
/// q8_0 about 8 per block), and a prompt's batched pass agrees with decoding it token by token (with
/// q8_0 both round x through q8_0 before the products, as llama.cpp does).
@Suite struct EngineWeightTypeTests {
    let model = EngineTestSupport.model()
    let tokens = EngineTestSupport.tokens(24)

    @Test(arguments: [(WeightType.f16, Float(5e-3)), (.q8_0, Float(3e-2))])
    func logitsStayCloseToF32(type: WeightType, tolerance: Float) throws {
        let reference = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 2)
        let engine = PLMEngine(weights: EngineWeights(model: model, type: type), threads: 2)
        #expect(engine.weights.layers[0].upProj.type == type)
        #expect(engine.weights.byteCount < reference.weights.byteCount * (type == .f16 ? 55 : 30) / 100)
        let expected = try reference.forward(tokens, cache: reference.makeCache(), output: .allLogits)
        let logits = try engine.forward(tokens, cache: engine.makeCache(), output: .allLogits)
        #expect(EngineTestSupport.relativeDifference(logits[...], expected[...]) < tolerance)
    }

    @Test(arguments: [WeightType.f32, .f16, .q8_0])
    func promptAndTokenByTokenAgree(type: WeightType) throws {
        let engine = PLMEngine(weights: EngineWeights(model: model, type: type), threads: 2)
        let v = model.config.vocabSize
        let batched = try engine.forward(tokens, cache: engine.makeCache(), output: .allLogits)
        let cache = engine.makeCache()
        for (i, token) in tokens.enumerated() {
            let logits = try engine.forward([token], cache: cache)
            let row = batched[(i * v)..<((i + 1) * v)]
            #expect(EngineTestSupport.relativeDifference(logits[...], row) < 1e-5)
        }
    }

    /// A matrix whose rows are not whole q8_0 blocks falls back to f16.
    @Test func q8_0FallsBackToF16ForShortRows() {
        var config = EngineTestSupport.config
        config.intermediateSize = 48
        let weights = EngineWeights(model: EngineTestSupport.model(config), type: .q8_0)
        #expect(weights.layers[0].upProj.type == .q8_0)      // rows of C = 64 values
        #expect(weights.layers[0].downProj.type == .f16)     // rows of F = 48 values
    }
}
