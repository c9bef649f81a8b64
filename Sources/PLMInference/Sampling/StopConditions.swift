import Tokenization

/// When generation ends, apart from the context filling up (which the engine reports to
/// `TextStream.finish`): a stop token, a stop string in the text, or a number of tokens.
public struct StopConditions: Sendable, Equatable {
    /// Ids that end generation when sampled (end-of-generation tokens); their own text is not output.
    public var tokenIds: Set<Int32>
    /// Texts that end generation when they appear in the output; the output stops just before.
    public var strings: [String]
    /// The most tokens to generate (stop tokens included); nil for no limit but the context.
    public var maxTokens: Int?

    public init(tokenIds: Set<Int32> = [], strings: [String] = [], maxTokens: Int? = nil) {
        self.tokenIds = tokenIds
        self.strings = strings
        self.maxTokens = maxTokens
    }

    /// The end-of-generation special tokens of our vocabularies (the trainer's defaults and Qwen2's):
    /// the end of a document, and the end of a chat turn.
    public static let endOfGenerationTokens = ["<|endoftext|>", "<|im_end|>"]

    /// The ids of `endOfGenerationTokens` that `tokenizer` has.
    public static func endOfGenerationIds(of tokenizer: BPETokenizer) -> Set<Int32> {
        Set(endOfGenerationTokens.compactMap { tokenizer.specialTokenID($0) })
    }

    /// An empty stop string would end generation before any text; a limit below one token likewise.
    public func validate() throws(StopConditionsError) {
        if let index = strings.firstIndex(of: "") {
            throw StopConditionsError(message: "stop string \(index + 1) is empty")
        }
        if let maxTokens, maxTokens < 1 {
            throw StopConditionsError(message: "max tokens is \(maxTokens); it must be at least 1")
        }
    }
}

/// Stop conditions that cannot be used.
public struct StopConditionsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Why generation stopped.
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    /// This stop string appeared; the output ends just before it.
    case stopString(String)
    /// This stop token was generated; its text is not output.
    case stopToken(Int32)
    /// The token limit was reached.
    case maxTokens(Int)
    /// The context window is full (reported by the engine).
    case contextFull

    public var description: String {
        switch self {
        case .stopString(let text): "stop string \(text.debugDescription)"
        case .stopToken(let id): "stop token \(id)"
        case .maxTokens(let count): "max tokens (\(count))"
        case .contextFull: "context full"
        }
    }
}
