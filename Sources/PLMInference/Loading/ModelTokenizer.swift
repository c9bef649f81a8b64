import Foundation
import Tokenization

/// A tokenizer with what `tokenizer_config.json` says about it: the role tokens and the chat template.
public struct ModelTokenizer: Sendable {
    public let tokenizer: BPETokenizer
    public let config: TokenizerConfigFile
    /// Ids that end a generation: the eos token, `<|endoftext|>` and `<|im_end|>` when the vocabulary has them.
    public let endOfGeneration: Set<Int32>

    public init(tokenizer: BPETokenizer, config: TokenizerConfigFile) {
        self.tokenizer = tokenizer
        self.config = config
        var ends = Set<Int32>()
        for name in [config.eosToken, "<|endoftext|>", "<|im_end|>"].compactMap({ $0 }) {
            if let id = tokenizer.specialTokenID(name) { ends.insert(id) }
        }
        endOfGeneration = ends
    }

    /// Reads `tokenizer.json` and, when present, `tokenizer_config.json` from a folder.
    public static func load(folder: String) throws -> ModelTokenizer {
        let model = try TokenizerFileReader.read(path: folder + "/tokenizer.json")
        let configPath = folder + "/tokenizer_config.json"
        let config = FileManager.default.fileExists(atPath: configPath)
            ? try TokenizerConfigFile.read(path: configPath) : TokenizerConfigFile(chatTemplate: nil)
        return ModelTokenizer(tokenizer: try BPETokenizer(model: model), config: config)
    }

    /// Checks that this tokenizer was made for a model with `modelVocabulary` embedding rows: the sizes are
    /// equal, or the model's is the tokenizer's rounded up to padding (a multiple of 64, fewer than 1024
    /// unused rows, as Hugging Face checkpoints of the Qwen2 family pad theirs).
    public func check(modelVocabulary: Int) throws {
        let size = tokenizer.vocabularySize
        let padded = size < modelVocabulary && modelVocabulary % 64 == 0 && modelVocabulary - size < 1024
        guard size == modelVocabulary || padded else {
            throw EngineError.vocabularyMismatch(tokenizer: size, model: modelVocabulary)
        }
    }
}
