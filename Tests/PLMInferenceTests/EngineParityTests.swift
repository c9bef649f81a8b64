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

    /// With the latent cache read head by head (small caches) and by one product for all heads (large).
    @Test(arguments: [(KVCache.Kind.latent, 1 << 20), (.latent, 0), (.expanded, 0)])
    func decodingTokenByTokenEqualsTheTrainer(kind: KVCache.Kind, perHeadCacheBytes: Int) throws {
        let expected = EngineTestSupport.trainerLogits(model, tokens), v = model.config.vocabSize
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 2)
        engine.perHeadCacheBytes = perHeadCacheBytes
        let cache = engine.makeCache(kind, capacity: 4)      // grows while decoding
        _ = try engine.forward(Array(tokens[0..<9]), cache: cache)
        for i in 9..<tokens.count {
            let logits = try engine.forward([tokens[i]], cache: cache)
            #expect(EngineTestSupport.relativeDifference(logits[...], expected[(i * v)..<((i + 1) * v)]) < 1e-5)
        }
        #expect(cache.count == tokens.count)
    }

    /// Chunks after a cache of other lengths; prompt rows attend in latent space, or expanded from it.
    @Test(arguments: [PLMEngine.PromptAttention.cheapest, .latent, .expanded])
    func latentAndExpandedCachesAgreeInChunks(promptAttention: PLMEngine.PromptAttention) throws {
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 1)
        engine.promptAttention = promptAttention
        let latent = engine.makeCache(.latent), expanded = engine.makeCache(.expanded)
        for chunk in [0..<5, 5..<6, 6..<19, 19..<22, 22..<40] {
            let a = try engine.forward(Array(tokens[chunk]), cache: latent, output: .allLogits)
            let b = try engine.forward(Array(tokens[chunk]), cache: expanded, output: .allLogits)
            #expect(EngineTestSupport.relativeDifference(a[...], b[...]) < 1e-5)
        }
    }

    /// A fresh prompt is cheaper expanded, a few rows after a long cache cheaper in latent space.
    @Test func promptAttentionChoice() {
        let c = model.config
        let shape = LatentAttention.Shape(heads: c.numAttentionHeads, nope: c.qkNopeHeadDim, rope: c.qkRopeHeadDim,
                                          value: c.vHeadDim, kvLora: c.kvLoraRank)
        #expect(LatentAttention.expandingIsCheaper(rows: 13, keys: 19, shape: shape))
        #expect(!LatentAttention.expandingIsCheaper(rows: 3, keys: 22, shape: shape))
        #expect(!LatentAttention.expandingIsCheaper(rows: 1, keys: 1, shape: shape))
    }

    /// Prompts longer than a chunk run chunk by chunk and still equal the trainer.
    @Test func longPromptsRunInChunks() throws {
        var config = EngineTestSupport.config
        config.maxPositionEmbeddings = PLMEngine.chunkRows + 40
        let model = EngineTestSupport.model(config)
        let tokens = EngineTestSupport.tokens(PLMEngine.chunkRows + 30)
        let expected = EngineTestSupport.trainerLogits(model, tokens)
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 2)
        let logits = try engine.forward(tokens, cache: engine.makeCache(), output: .allLogits)
        #expect(logits.count == expected.count)
        #expect(EngineTestSupport.relativeDifference(logits[...], expected[...]) < 1e-4)
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
