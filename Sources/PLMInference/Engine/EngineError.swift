/// What the engine refuses, with enough detail to fix the input.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    case tensorShape(name: String, expected: [Int], found: [Int])
    case emptyInput
    case contextFull(needed: Int, limit: Int)
    case tokenOutsideVocabulary(token: Int32, vocabSize: Int)
    case vocabularyMismatch(tokenizer: Int, model: Int)

    public var description: String {
        switch self {
        case .tensorShape(let name, let expected, let found):
            "tensor '\(name)' has shape \(found), the model's config expects \(expected)"
        case .emptyInput:
            "the input holds no tokens"
        case .contextFull(let needed, let limit):
            "the sequence needs \(needed) positions, the model's context is \(limit) (max_position_embeddings)"
        case .tokenOutsideVocabulary(let token, let vocabSize):
            "token id \(token) is outside the model's vocabulary of \(vocabSize)"
        case .vocabularyMismatch(let tokenizer, let model):
            "the tokenizer has \(tokenizer) tokens but the model's embedding has \(model) rows: they were not "
                + "trained together (give the checkpoint's own tokenizer with --tokenizer)"
        }
    }
}
