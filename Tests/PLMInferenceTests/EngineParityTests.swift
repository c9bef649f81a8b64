import Testing
@testable import PLMInference
import PLMModel

/// The engine runs the trainer's model: its logits equal the trainer's forward pass on the same tokens,
/// with the latent cache and with the expanded one, whether the tokens come in one prompt, in chunks,
/// or one at a time.
@Suite struct EngineParityTests {
    let model = EngineTestSupport.model()
    let tokens = EngineTestSupport.tokens(40)

    @Test(arguments: KVCache.Kind.allCases)
    func promptLogitsEqualTheTrainers(kind: KVCache.Kind) throws {
        let expected = EngineTestSupport.trainerLogits(model, tokens)
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 2)
        let logits = try engine.forward(tokens, cache: engine.makeCache(kind), output: .allLogits)
        #expect(EngineTestSupport.relativeDifference(logits[...], expected[...]) < 1e-5)
    }

    @Test(arguments: KVCache.Kind.allCases)
    func decodingTokenByTokenEqualsTheTrainer(kind: KVCache.Kind) throws {
        let expected = EngineTestSupport.trainerLogits(model, tokens), v = model.config.vocabSize
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 2)
        let cache = engine.makeCache(kind, capacity: 4)      // grows while decoding
        _ = try engine.forward(Array(tokens[0..<9]), cache: cache)
        for i in 9..<tokens.count {
            let logits = try engine.forward([tokens[i]], cache: cache)
            #expect(EngineTestSupport.relativeDifference(logits[...], expected[(i * v)..<((i + 1) * v)]) < 1e-5)
        }
        #expect(cache.count == tokens.count)
    }

    @Test func latentAndExpandedCachesAgreeInChunks() throws {
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 1)
        let latent = engine.makeCache(.latent), expanded = engine.makeCache(.expanded)
        for chunk in [0..<5, 5..<6, 6..<19, 19..<40] {
            let a = try engine.forward(Array(tokens[chunk]), cache: latent, output: .allLogits)
            let b = try engine.forward(Array(tokens[chunk]), cache: expanded, output: .allLogits)
            #expect(EngineTestSupport.relativeDifference(a[...], b[...]) < 1e-5)
        }
    }

    /// The latent cache holds K + R floats per token and layer, the expanded one adds H * (nope + v).
    @Test func cacheSizes() {
        let c = model.config
        #expect(KVCache(kind: .latent, config: c).bytesPerToken == c.numHiddenLayers * (32 + 8) * 4)
        #expect(KVCache(kind: .expanded, config: c).bytesPerToken == c.numHiddenLayers * (32 + 8 + 4 * 32) * 4)
        #expect(KVCache(kind: .latent, config: .plm1_8B).bytesPerToken == 32 * 576 * 4)
    }

    @Test func refusesWhatItCannotRun() throws {
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 1)
        let cache = engine.makeCache()
        #expect(throws: EngineError.emptyInput) { try engine.forward([], cache: cache) }
        #expect(throws: EngineError.tokenOutsideVocabulary(token: 96, vocabSize: 96)) {
            try engine.forward([1, 96], cache: cache)
        }
        #expect(throws: EngineError.contextFull(needed: 65, limit: 64)) {
            try engine.forward(EngineTestSupport.tokens(65), cache: cache)
        }
        #expect(cache.count == 0)
    }
}
