import Foundation
import Tokenization

/// What one generation produced, and how fast.
public struct GenerationResult: Sendable, Codable {
    public var promptIds: [Int32]
    /// Every sampled id, the stop token included when one ended the generation.
    public var generatedIds: [Int32]
    /// The text shown: the generated text up to any stop string, without a stop token's text.
    public var text: String
    public var stopReason: String
    /// Logits of the prompt positions that were asked for: the last one, or every one (row after row).
    public var promptLogits: [Float]?
    public var prefillSeconds: Double
    public var decodeSeconds: Double

    public var prefillTokensPerSecond: Double { Double(promptIds.count) / max(prefillSeconds, 1e-9) }
    /// Tokens fed back through the model per second of decoding (the last sampled one is not fed).
    public var decodeTokensPerSecond: Double { Double(max(0, generatedIds.count - 1)) / max(decodeSeconds, 1e-9) }

    enum CodingKeys: String, CodingKey {
        case promptIds = "prompt_ids", generatedIds = "generated_ids", text, stopReason = "stop_reason"
        case promptLogits = "prompt_logits", prefillSeconds = "prefill_seconds", decodeSeconds = "decode_seconds"
    }
}

/// The generation loop: the prompt in one batched pass, then sample, stream, feed back, until a stop
/// condition or the end of the context. Context rule: a prompt that does not fit in the context (with
/// what the cache already holds) is an error before any work; generation that reaches the end of the
/// context stops there and says so (`contextFull`).
public struct Generator {
    public let engine: PLMEngine
    public let tokenizer: BPETokenizer

    public init(engine: PLMEngine, tokenizer: BPETokenizer) {
        self.engine = engine
        self.tokenizer = tokenizer
    }

    /// Generates after `prompt`, which follows what `cache` already holds (a conversation's earlier
    /// turns); `onText` receives each piece of text as soon as it is certain (never half a character,
    /// never the start of a stop string). The cache ends up holding the prompt and every sampled id but
    /// the last.
    /// Which prompt logits a result keeps.
    public enum PromptLogits: Sendable { case none, last, all }

    public func generate(prompt: [Int32], cache: KVCache, sampling: SamplingOptions, stop: StopConditions,
                         promptLogits keep: PromptLogits = .none,
                         onText: (String) -> Void = { _ in }) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw EngineError.emptyInput }
        let limit = engine.config.maxPositionEmbeddings
        guard cache.count + prompt.count <= limit else {
            throw EngineError.contextFull(needed: cache.count + prompt.count, limit: limit)
        }
        var sampler = try Sampler(options: sampling)
        var stream = try TextStream(tokenizer: tokenizer, conditions: stop)
        var history = prompt
        var generated: [Int32] = []
        let start = DispatchTime.now().uptimeNanoseconds
        var logits = try engine.forward(prompt, cache: cache, output: keep == .all ? .allLogits : .lastLogits)
        let promptLogits = keep == .none ? nil : logits
        if keep == .all { logits = Array(logits.suffix(engine.config.vocabSize)) }
        let prefilled = DispatchTime.now().uptimeNanoseconds
        while true {
            let id = sampler.next(logits: logits, history: history)
            generated.append(id)
            history.append(id)
            let piece = stream.append(id)
            if !piece.text.isEmpty { onText(piece.text) }
            if piece.stop != nil { break }
            if cache.count >= limit {
                let last = stream.finish(.contextFull)
                if !last.text.isEmpty { onText(last.text) }
                break
            }
            logits = try engine.forward([id], cache: cache)
        }
        let end = DispatchTime.now().uptimeNanoseconds
        return GenerationResult(promptIds: prompt, generatedIds: generated, text: stream.text,
                                stopReason: stream.stopReason?.description ?? "none", promptLogits: promptLogits,
                                prefillSeconds: Double(prefilled - start) / 1e9,
                                decodeSeconds: Double(end - prefilled) / 1e9)
    }
}
