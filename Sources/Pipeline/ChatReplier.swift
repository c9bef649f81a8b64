import PLMInference
import Shards
import Tokenization

/// The model's reply to a conversation, rendered in ChatML exactly as the packer renders SFT data
/// (`ChatTemplate`) and closed by an open assistant header; generation stops at `<|im_end|>` (or
/// `<|endoftext|>`) or after `maxTokens`. Each call starts from an empty cache: the evaluation and the
/// preference rounds ask independent questions.
public struct ChatReplier {
    public let engine: PLMEngine
    public let tokenizer: BPETokenizer
    let template: ChatTemplate
    let opening: [Int32]
    let stops: Set<Int32>

    public init(engine: PLMEngine, tokenizer: BPETokenizer) throws {
        self.engine = engine
        self.tokenizer = tokenizer
        template = try ChatTemplate(encoder: tokenizer)
        opening = [template.start] + tokenizer.encode("assistant\n", allowSpecial: false)
        stops = StopConditions.endOfGenerationIds(of: tokenizer).union([template.end, template.endOfText])
    }

    /// The prompt's ids: the conversation and the opening of the assistant's turn.
    public func promptIds(_ messages: [ChatMessage]) -> [Int32] {
        var tokens: [Int32] = [], mask: [UInt8] = []
        template.render(messages, encoder: tokenizer, tokens: &tokens, mask: &mask)
        return tokens + opening
    }

    /// Whether the conversation leaves `maxTokens` of room for a reply in the model's context.
    public func fits(_ messages: [ChatMessage], maxTokens: Int) -> Bool {
        promptIds(messages).count + maxTokens <= engine.config.maxPositionEmbeddings
    }

    /// The reply's text (without the closing marker). A conversation too long to leave `maxTokens` of
    /// room in the context is an error naming both lengths.
    public func reply(to messages: [ChatMessage], sampling: SamplingOptions, maxTokens: Int) throws -> String {
        let prompt = promptIds(messages)
        let limit = engine.config.maxPositionEmbeddings
        guard prompt.count + maxTokens <= limit else {
            throw EngineError.contextFull(needed: prompt.count + maxTokens, limit: limit)
        }
        let generator = Generator(engine: engine, tokenizer: tokenizer)
        let cache = engine.makeCache(capacity: prompt.count + maxTokens + 1)
        let result = try generator.generate(prompt: prompt, cache: cache, sampling: sampling,
                                            stop: StopConditions(tokenIds: stops, maxTokens: maxTokens))
        return result.text
    }
}
