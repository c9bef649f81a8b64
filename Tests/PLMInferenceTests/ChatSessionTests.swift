import Shards
import Testing
import Tokenization
@testable import PLMInference
import PLMModel

/// Generation and chat on a model that has memorised one ChatML exchange: it answers, stops at
/// <|im_end|>, reuses its cache across turns, and the same seed gives the same text.
@Suite(.serialized) struct ChatSessionTests {
    static let setup: (engine: PLMEngine, tokenizer: ModelTokenizer) = {
        let trained = try! BPETrainer(options: BPETrainer.Options(vocabSize: 259)).train(WordCounts(["hi": 1]))
        let tokenizer = ModelTokenizer(tokenizer: try! BPETokenizer(model: trained), config: TokenizerConfigFile())
        let template = try! ChatTemplate(encoder: tokenizer.tokenizer)
        var tokens: [Int32] = [], mask: [UInt8] = []
        template.render([ChatMessage(role: .user, content: "hi"), ChatMessage(role: .assistant, content: "hey you")],
                        encoder: tokenizer.tokenizer, tokens: &tokens, mask: &mask)
        let config = PLMConfig(hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, kvLoraRank: 16,
                               qkNopeHeadDim: 8, qkRopeHeadDim: 4, vHeadDim: 8, intermediateSize: 64,
                               vocabSize: tokenizer.tokenizer.vocabularySize, maxPositionEmbeddings: 128)
        let model = PLMTransformer(config: config, seed: 3, options: ModelOptions(threads: 2))
        let optimizer = AdamW(layout: model.layout, settings: AdamWSettings(weightDecay: 0))
        let t = tokens.count - 1
        let batch = TokenBatch(batchSize: 1, sequenceLength: t, inputs: Array(tokens.dropLast()),
                               targets: Array(tokens.dropFirst()))
        for _ in 0..<800 {
            model.zeroGradients()
            let (loss, count) = model.forwardBackward(batch, gradientScale: 1 / Float(t))
            if loss / Double(count) < 0.01 { break }
            optimizer.update(parameters: model.parameters, gradients: model.gradients, learningRate: 1e-2,
                             gradientScale: 1)
        }
        return (PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 2), tokenizer)
    }()

    @Test func chatAnswersAndStopsAtImEnd() throws {
        let (engine, tokenizer) = Self.setup
        let session = try ChatSession(engine: engine, tokenizer: tokenizer, systemPrompt: nil, maxTokens: 20)
        var streamed = ""
        let reply = try session.send("hi", sampling: .greedy) { streamed += $0 }
        #expect(reply.result.text == "hey you")
        #expect(streamed == "hey you")
        let imEnd = tokenizer.tokenizer.specialTokenID("<|im_end|>")!
        #expect(reply.result.generatedIds.last == imEnd)
        #expect(reply.result.stopReason == StopReason.stopToken(imEnd).description)
    }

    /// The second turn feeds only its new tokens, and replies exactly as a fresh pass over the whole
    /// conversation does.
    @Test func cacheIsReusedAcrossTurns() throws {
        let (engine, tokenizer) = Self.setup
        let session = try ChatSession(engine: engine, tokenizer: tokenizer, systemPrompt: nil, maxTokens: 12)
        let first = try session.send("hi", sampling: .greedy)
        #expect(first.result.generatedIds.last == tokenizer.tokenizer.specialTokenID("<|im_end|>"))
        let before = session.conversation.count
        let second = try session.send("hi again", sampling: .greedy)
        let opening = 1 + tokenizer.tokenizer.encode("assistant\n", allowSpecial: false).count
        let user = tokenizer.tokenizer.encode("<|im_start|>user\nhi again<|im_end|>\n", allowSpecial: true).count
        // Not fed before: the end of the first reply (<|im_end|> was sampled, not fed) and "\n", then
        // the new user turn and the assistant opening.
        #expect(second.promptTokens == 2 + user + opening)
        let fresh = Generator(engine: engine, tokenizer: tokenizer.tokenizer)
        let prompt = Array(session.conversation.prefix(before + user + opening))
        let replay = try fresh.generate(prompt: prompt, cache: engine.makeCache(), sampling: .greedy,
                                        stop: StopConditions(tokenIds: tokenizer.endOfGeneration, maxTokens: 12))
        #expect(replay.generatedIds == second.result.generatedIds)
    }

    /// Context rule: when the conversation and a reply would not fit, the oldest exchange goes.
    @Test func oldestExchangesAreDroppedToFit() throws {
        let (engine, tokenizer) = Self.setup
        let session = try ChatSession(engine: engine, tokenizer: tokenizer, systemPrompt: "s", maxTokens: 30)
        var dropped = 0
        for turn in 0..<6 { dropped += try session.send("message \(turn)", sampling: .greedy).droppedExchanges }
        #expect(dropped > 0)
        // What the cache held before the last reply plus the reply fit; the reply adds its <|im_end|>\n.
        #expect(session.conversation.count <= engine.config.maxPositionEmbeddings + 2)
        let tooLong = String(repeating: "x", count: 200)
        #expect(throws: EngineError.self) { try session.send(tooLong, sampling: .greedy) }
    }

    @Test func sameSeedSameText() throws {
        let (engine, tokenizer) = Self.setup
        let generator = Generator(engine: engine, tokenizer: tokenizer.tokenizer)
        let prompt = tokenizer.tokenizer.encode("<|im_start|>user\nhey", allowSpecial: true)
        func run(_ seed: UInt64) throws -> [Int32] {
            try generator.generate(prompt: prompt, cache: engine.makeCache(),
                                   sampling: SamplingOptions(temperature: 1.5, topK: 0, topP: 1, minP: 0, seed: seed),
                                   stop: StopConditions(maxTokens: 40)).generatedIds
        }
        #expect(try run(5) == run(5))
        #expect(try run(5) != run(6))
    }

    @Test func promptsThatCannotRunAreRefused() throws {
        let (engine, tokenizer) = Self.setup
        let generator = Generator(engine: engine, tokenizer: tokenizer.tokenizer)
        #expect(throws: EngineError.emptyInput) {
            try generator.generate(prompt: [], cache: engine.makeCache(), sampling: .greedy, stop: StopConditions())
        }
        #expect(throws: EngineError.contextFull(needed: 129, limit: 128)) {
            try generator.generate(prompt: [Int32](repeating: 5, count: 129), cache: engine.makeCache(),
                                   sampling: .greedy, stop: StopConditions())
        }
        // Generation that reaches the end of the context stops there and says so.
        let result = try generator.generate(prompt: [Int32](repeating: 5, count: 120), cache: engine.makeCache(),
                                            sampling: .greedy, stop: StopConditions())
        #expect(result.stopReason == StopReason.contextFull.description)
        #expect(result.generatedIds.count == 9)     // 8 fed back until position 128, then one more sampled
    }
}
