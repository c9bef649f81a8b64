import PLMModel
import Tokenization

/// A PLM read from a GGUF file: its shape, its tokenizer, and each weight in place in the mapped file.
public struct PLMGGUFModel: Sendable {
    public let file: GGUFFile
    public let config: PLMConfig
    public let tokenizer: GGUFTokenizer
    /// `general.name`, when the file has one.
    public let name: String?
    /// The type `general.file_type` announces (nil for a type this engine does not run, or none).
    public let fileType: WeightType?
    /// Weights by GGUF tensor name.
    public let weights: [String: WeightMatrix]

    /// The weight of this kind (and layer), [out, in] as in PyTorch.
    public func weight(_ kind: PLMTensorKind, layer: Int? = nil) -> WeightMatrix {
        weights[kind.ggufName(layer: layer)]!
    }

    /// Maps and reads `path`; see `init(file:)`.
    public init(path: String) throws(GGUFError) {
        try self.init(file: try GGUFFile(path: path))
    }

    /// Reads a parsed GGUF file as a PLM, refusing another architecture, metadata that is missing or
    /// contradicts itself or the tensors, a tokenizer the engine cannot run identically to llama.cpp,
    /// and any missing, extra (`output.weight` among them: the head is tied) or misshaped tensor.
    public init(file: GGUFFile) throws(GGUFError) {
        let reader = GGUFMetadataReader(file: file)
        let architecture = try reader.string(PLMGGUFKey.architecture)
        guard architecture == PLMGGUFKey.architectureName else {
            throw reader.error(PLMGGUFKey.architecture, "is '\(architecture)'; this engine reads 'plm' models")
        }
        let config = try Self.config(reader)
        let tokenizer = try GGUFTokenizer(file: file)
        let tokenCount = file.metadata[PLMGGUFKey.tokens]?.arrayValue?.count ?? 0
        guard tokenCount == config.vocabSize else {
            throw reader.error(PLMGGUFKey.tokens, "lists \(tokenCount) tokens, \(PLMGGUFKey.vocabSize) is "
                + "\(config.vocabSize)")
        }
        self.file = file
        self.config = config
        self.tokenizer = tokenizer
        self.name = try reader.optionalString(PLMGGUFKey.name)
        self.fileType = file.metadata[PLMGGUFKey.fileType]?.intValue.flatMap(GGUFFileType.weightType(id:))
        self.weights = try Self.weights(file, config: config)
    }

    /// The shape from the plm.* keys, checked the way llama.cpp derives its own (key_length is nope +
    /// rope; the KV heads are the heads).
    private static func config(_ reader: GGUFMetadataReader) throws(GGUFError) -> PLMConfig {
        let heads = try reader.integer(PLMGGUFKey.headCount)
        let kvHeads = try reader.integer(PLMGGUFKey.headCountKV)
        guard kvHeads == heads else {
            throw reader.error(PLMGGUFKey.headCountKV, "is \(kvHeads), a PLM has as many KV heads as heads (\(heads))")
        }
        let keyLength = try reader.integer(PLMGGUFKey.keyLength)
        let rope = try reader.integer(PLMGGUFKey.ropeDimensions)
        guard rope < keyLength else {
            throw reader.error(PLMGGUFKey.ropeDimensions, "is \(rope), not below \(PLMGGUFKey.keyLength) \(keyLength) "
                + "(the key is nope + rope dimensions, both positive)")
        }
        // Stored as f32; the shortest decimal that reads back as that f32 is the value that was written
        // (1e-06, not 9.99999997e-07).
        func decimal(_ key: String) throws(GGUFError) -> Double {
            let value = try reader.float(key)
            return Double("\(Float(value))") ?? value
        }
        let config = PLMConfig(
            hiddenSize: try reader.integer(PLMGGUFKey.embeddingLength),
            numHiddenLayers: try reader.integer(PLMGGUFKey.blockCount),
            numAttentionHeads: heads, kvLoraRank: try reader.integer(PLMGGUFKey.kvLoraRank),
            qkNopeHeadDim: keyLength - rope, qkRopeHeadDim: rope,
            vHeadDim: try reader.integer(PLMGGUFKey.valueLength),
            intermediateSize: try reader.integer(PLMGGUFKey.feedForwardLength),
            vocabSize: try reader.integer(PLMGGUFKey.vocabSize),
            maxPositionEmbeddings: try reader.integer(PLMGGUFKey.contextLength),
            ropeTheta: try decimal(PLMGGUFKey.ropeFreqBase), rmsNormEps: try decimal(PLMGGUFKey.rmsEpsilon))
        do { try config.validate() } catch {
            throw GGUFError(path: reader.file.path, subject: "the plm.* metadata", message: error.description)
        }
        return config
    }

    /// Every expected tensor, found and shaped as the metadata says; anything else in the file is an error.
    /// Nothing here is sized by the metadata's counts: names are checked by parsing them, and expected
    /// tensors are looked up one by one until the first missing one, so a corrupt block count cannot
    /// make the reader build a table of billions of names.
    private static func weights(_ file: GGUFFile, config: PLMConfig) throws(GGUFError) -> [String: WeightMatrix] {
        for tensor in file.tensors where !isPLMTensor(tensor.name, layers: config.numHiddenLayers) {
            if tensor.name == "output.weight" {
                throw GGUFError.tensor(tensor.name, path: file.path, offset: tensor.infoOffset, "a PLM ties its output "
                    + "head to token_embd.weight; a separate output head is not part of the model (llama.cpp refuses it too)")
            }
            throw GGUFError.tensor(tensor.name, path: file.path, offset: tensor.infoOffset,
                                   "is not a tensor of a PLM with \(config.numHiddenLayers) layers")
        }
        var weights: [String: WeightMatrix] = [:]
        func take(_ kind: PLMTensorKind, _ layer: Int?) throws(GGUFError) {
            let name = kind.ggufName(layer: layer), dimensions = Array(kind.shape(config).reversed())
            guard let tensor = file.tensor(named: name) else {
                throw GGUFError.tensor(name, path: file.path, "is missing (the metadata asks for "
                    + "\(GGUFTensorInfo.shapeText(dimensions)))")
            }
            guard tensor.dimensions == dimensions else {
                throw GGUFError.tensor(name, path: file.path, offset: tensor.infoOffset, "has dimensions "
                    + "\(tensor.shapeText), the metadata asks for \(GGUFTensorInfo.shapeText(dimensions)) "
                    + "(\(Self.describe(kind, config)))")
            }
            weights[name] = file.matrix(tensor)
        }
        try take(.embedding, nil)
        for layer in 0..<config.numHiddenLayers {
            for kind in PLMTensorKind.perLayer { try take(kind, layer) }
        }
        try take(.finalNorm, nil)
        return weights
    }

    /// Whether `name` is a tensor of a PLM with `layers` layers: the two outer names, or
    /// `blk.<layer>.<a per-layer suffix>`.
    static func isPLMTensor(_ name: String, layers: Int) -> Bool {
        if name == PLMTensorKind.embedding.ggufName() || name == PLMTensorKind.finalNorm.ggufName() { return true }
        let parts = name.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]), layer >= 0, layer < layers,
              String(layer) == parts[1] else { return false }
        return layerSuffixes.contains(String(parts[2]))
    }

    private static let layerSuffixes = Set(PLMTensorKind.perLayer.map {
        String($0.ggufName(layer: 0).dropFirst("blk.0.".count))
    })

    /// Which keys a tensor's expected dimensions come from, for messages.
    private static func describe(_ kind: PLMTensorKind, _ c: PLMConfig) -> String {
        let d = "embedding_length \(c.hiddenSize)", h = "head_count \(c.numAttentionHeads)"
        switch kind {
        case .embedding: return "\(d), vocab_size \(c.vocabSize)"
        case .inputNorm, .postNorm, .finalNorm: return d
        case .qProj: return "\(d), \(h) x key_length \(c.qkHeadDim)"
        case .kvaProj: return "\(d), kv_lora_rank \(c.kvLoraRank) + rope.dimension_count \(c.qkRopeHeadDim)"
        case .kvaNorm: return "kv_lora_rank \(c.kvLoraRank)"
        case .kvbProj: return "kv_lora_rank \(c.kvLoraRank), \(h) x (nope \(c.qkNopeHeadDim) + value_length \(c.vHeadDim))"
        case .oProj: return "\(h) x value_length \(c.vHeadDim), \(d)"
        case .upProj, .downProj: return "\(d), feed_forward_length \(c.intermediateSize)"
        }
    }
}
