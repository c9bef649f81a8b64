import PLMModel

/// A model ready to run: its weights in the asked-for type, and its tokenizer when one was found.
public struct LoadedModel: Sendable {
    public let location: ModelLocation
    public let weights: EngineWeights
    public let tokenizer: ModelTokenizer?

    /// Loads the model at `location` with matrices in `type` (nil: as stored, f32 for safetensors) and checks
    /// that the tokenizer fits it.
    public static func load(_ location: ModelLocation, type: WeightType? = nil, threads: Int) throws -> LoadedModel {
        let weights: EngineWeights
        var tokenizer = try location.tokenizerFolder.map(ModelTokenizer.load(folder:))
        switch location.format {
        case .checkpointFolder:
            weights = try EngineWeights(checkpoint: Checkpoint.openModel(from: location.path), type: type ?? .f32)
        case .gguf:
            let file = try GGUFModelSource.load(path: location.path, type: type)
            weights = file.weights
            if tokenizer == nil { tokenizer = file.tokenizer }
        }
        try tokenizer?.check(modelVocabulary: weights.config.vocabSize)
        return LoadedModel(location: location, weights: weights, tokenizer: tokenizer)
    }
}

/// Placeholder until the GGUF reader lands: names what is missing.
enum GGUFModelSource {
    static func load(path: String, type: WeightType?) throws -> (weights: EngineWeights, tokenizer: ModelTokenizer?) {
        throw ModelLoadError(path: path, message: "reading GGUF files is not built yet")
    }
}
