import Shards
import Tokenization

/// A conversation in ChatML (`<|im_start|>role\ncontent<|im_end|>\n` per message, as the packer renders
/// SFT data and `tokenizer_config.json`'s template says), kept as token ids with the engine's cache, so
/// each turn feeds only its new tokens.
///
/// Context rule: before a reply, the conversation plus `maxTokens` for the reply must fit in the
/// context. When it does not, the oldest exchanges (a user turn and its reply) are dropped, the system
/// message is kept, and the cache is rebuilt from the first token that changed; a single message too
/// long for the context on its own is an error.
public final class ChatSession {
    public let generator: Generator
    public let cache: KVCache
    /// Tokens a reply may take at most; also the room kept free for it.
    public let maxTokens: Int
    private let template: ChatTemplate
    private let endOfGeneration: Set<Int32>
    private let system: [Int32]
    /// Finished turns, oldest first: user, assistant, user, assistant, ...
    private var turns: [[Int32]] = []
    /// Exactly the ids the cache holds.
    private var fed: [Int32] = []

    /// What one reply did to the conversation.
    public struct Reply: Sendable {
        public var result: GenerationResult
        /// Exchanges dropped before this reply to make room.
        public var droppedExchanges: Int
        /// Tokens fed to the model for this turn (the rest came from the cache).
        public var promptTokens: Int
    }

    public init(engine: PLMEngine, tokenizer: ModelTokenizer, systemPrompt: String?, maxTokens: Int) throws {
        if let template = tokenizer.config.chatTemplate, !template.contains(ChatTemplate.startMarker) {
            throw ModelLoadError(path: "tokenizer_config.json", message: "its chat_template is not ChatML "
                + "(<|im_start|>role ... <|im_end|>), the only chat format plm renders")
        }
        generator = Generator(engine: engine, tokenizer: tokenizer.tokenizer)
        cache = engine.makeCache()
        self.maxTokens = maxTokens
        let template = try ChatTemplate(encoder: tokenizer.tokenizer)
        self.template = template
        endOfGeneration = tokenizer.endOfGeneration.union([template.end])
        system = systemPrompt.map { Self.render(.system, $0, template, tokenizer.tokenizer) } ?? []
    }

    /// Every token of the conversation so far, as the model sees it.
    public var conversation: [Int32] { system + turns.flatMap { $0 } }

    /// Adds the user's message, generates the reply (streamed through `onText`) and adds it.
    public func send(_ message: String, sampling: SamplingOptions, onText: (String) -> Void = { _ in }) throws -> Reply {
        let tokenizer = generator.tokenizer
        let user = Self.render(.user, message, template, tokenizer)
        let opening = [template.start] + tokenizer.encode("assistant\n", allowSpecial: false)
        let limit = generator.engine.config.maxPositionEmbeddings
        var dropped = 0
        while system.count + turns.reduce(0, { $0 + $1.count }) + user.count + opening.count + maxTokens > limit {
            guard turns.count >= 2 else {
                throw EngineError.contextFull(needed: system.count + user.count + opening.count + maxTokens, limit: limit)
            }
            turns.removeFirst(2)
            dropped += 1
        }
        let target = conversation + user + opening
        // Keep the cache up to the first token that differs (all of it, unless turns were dropped).
        var common = 0
        while common < fed.count, common < target.count, fed[common] == target[common] { common += 1 }
        cache.truncate(to: common)
        fed.removeSubrange(common...)
        let prompt = Array(target[common...])
        let result = try generator.generate(prompt: prompt, cache: cache, sampling: sampling,
                                            stop: StopConditions(tokenIds: endOfGeneration, maxTokens: maxTokens),
                                            onText: onText)
        fed = target + result.generatedIds.dropLast()
        // The reply as the template writes it: its ids, closed by <|im_end|>\n whatever ended it.
        var reply = opening + result.generatedIds
        if let last = reply.last, endOfGeneration.contains(last) { reply.removeLast() }
        reply += [template.end] + tokenizer.encode("\n", allowSpecial: false)
        turns.append(user)
        turns.append(reply)
        return Reply(result: result, droppedExchanges: dropped, promptTokens: prompt.count)
    }

    private static func render(_ role: ChatRole, _ content: String, _ template: ChatTemplate,
                               _ tokenizer: BPETokenizer) -> [Int32] {
        var tokens: [Int32] = [], mask: [UInt8] = []
        template.render([ChatMessage(role: role, content: content)], encoder: tokenizer, tokens: &tokens, mask: &mask)
        return tokens
    }
}
