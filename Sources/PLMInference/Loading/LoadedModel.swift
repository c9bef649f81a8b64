import PLMModel
import Tokenization

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
        // A GGUF file's own tokenizer was checked against its embedding by the reader (padding rows are
        // unused tokens there); a tokenizer folder is checked here.
        if location.tokenizerFolder != nil { try tokenizer?.check(modelVocabulary: weights.config.vocabSize) }
        return LoadedModel(location: location, weights: weights, tokenizer: tokenizer)
    }
}

extension EngineWeights {
    /// The weights of a GGUF file: each matrix in place in the mapped file when it is stored in `type` (or
    /// `type` is nil), else converted through f32 (q8_0 -> f32 dequantizes, f32 -> q8_0 quantizes).
    public convenience init(gguf: PLMGGUFModel, type: WeightType?) throws {
        let requested = type ?? gguf.fileType ?? .f32
        try self.init(config: gguf.config, type: requested) { kind, layer in
            let stored = gguf.weight(kind, layer: layer)
            let wanted = kind.isNorm ? WeightType.f32 : requested.forMatrix(columns: stored.columns)
            guard type != nil, stored.type != wanted else { return stored }
            let floats = stored.decoded()
            return WeightMatrix.converting(floats, rows: stored.rows, columns: stored.columns, to: wanted)
        }
    }
}

/// A model and its tokenizer from a GGUF file.
enum GGUFModelSource {
    static func load(path: String, type: WeightType?) throws -> (weights: EngineWeights, tokenizer: ModelTokenizer?) {
        let model = try PLMGGUFModel(path: path)
        let config = model.tokenizer.config(modelMaxLength: model.config.maxPositionEmbeddings)
        let tokenizer = ModelTokenizer(tokenizer: try BPETokenizer(model: model.tokenizer.model), config: config)
        return (try EngineWeights(gguf: model, type: type), tokenizer)
    }
}
