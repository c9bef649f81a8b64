import CorpusIO
import Foundation

/// A problem with a model `config.json`, naming the file and the key.
public struct ModelConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// `config.json` in Hugging Face's PLM form (model_type "plm", PLMForCausalLM): the keys
/// transformers reads for this architecture, with the fixed facts of the PLM shape (no query
/// low-rank path, tied embeddings, squared ReLU, as many KV heads as heads) written out and checked
/// on reading.
public struct HFConfigFile: Codable, Sendable, Equatable {
    public var architectures: [String] = ["PLMForCausalLM"]
    public var modelType: String = "plm"
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    /// Always null: PLM's queries have no low-rank path.
    public var qLoraRank: Int?
    public var kvLoraRank: Int
    public var qkNopeHeadDim: Int
    public var qkRopeHeadDim: Int
    public var vHeadDim: Int
    public var intermediateSize: Int
    public var vocabSize: Int
    public var maxPositionEmbeddings: Int
    public var ropeTheta: Double
    public var rmsNormEps: Double
    public var tieWordEmbeddings: Bool = true
    public var hiddenAct: String = "relu2"
    /// RoPE on interleaved pairs (2i, 2i+1), which transformers' PLM selects with this flag.
    public var ropeInterleave: Bool = true
    public var attentionBias: Bool = false
    public var initializerRange: Double = 0.02
    public var torchDtype: String = "float32"
    public var bosTokenId: Int?
    public var eosTokenId: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case architectures, modelType = "model_type", hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", qLoraRank = "q_lora_rank", kvLoraRank = "kv_lora_rank"
        case qkNopeHeadDim = "qk_nope_head_dim", qkRopeHeadDim = "qk_rope_head_dim", vHeadDim = "v_head_dim"
        case intermediateSize = "intermediate_size", vocabSize = "vocab_size"
        case maxPositionEmbeddings = "max_position_embeddings", ropeTheta = "rope_theta", rmsNormEps = "rms_norm_eps"
        case tieWordEmbeddings = "tie_word_embeddings", hiddenAct = "hidden_act", torchDtype = "torch_dtype"
        case bosTokenId = "bos_token_id", eosTokenId = "eos_token_id", ropeInterleave = "rope_interleave"
        case attentionBias = "attention_bias", initializerRange = "initializer_range"
    }

    public init(config c: PLMConfig, bosTokenId: Int? = nil, eosTokenId: Int? = nil) {
        hiddenSize = c.hiddenSize
        numHiddenLayers = c.numHiddenLayers
        numAttentionHeads = c.numAttentionHeads
        numKeyValueHeads = c.numAttentionHeads
        kvLoraRank = c.kvLoraRank
        qkNopeHeadDim = c.qkNopeHeadDim
        qkRopeHeadDim = c.qkRopeHeadDim
        vHeadDim = c.vHeadDim
        intermediateSize = c.intermediateSize
        vocabSize = c.vocabSize
        maxPositionEmbeddings = c.maxPositionEmbeddings
        ropeTheta = c.ropeTheta
        rmsNormEps = c.rmsNormEps
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
    }

    // Written by hand so that q_lora_rank appears as an explicit null, as Hugging Face writes it.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(architectures, forKey: .architectures)
        try c.encode(modelType, forKey: .modelType)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encode(qLoraRank, forKey: .qLoraRank)
        try c.encode(kvLoraRank, forKey: .kvLoraRank)
        try c.encode(qkNopeHeadDim, forKey: .qkNopeHeadDim)
        try c.encode(qkRopeHeadDim, forKey: .qkRopeHeadDim)
        try c.encode(vHeadDim, forKey: .vHeadDim)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(torchDtype, forKey: .torchDtype)
        try c.encode(ropeInterleave, forKey: .ropeInterleave)
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encodeIfPresent(bosTokenId, forKey: .bosTokenId)
        try c.encodeIfPresent(eosTokenId, forKey: .eosTokenId)
    }

    /// The model shape, after checking the fixed PLM facts and that the dimensions fit together.
    public func modelConfig(path: String) throws(ModelConfigError) -> PLMConfig {
        func bad(_ message: String) -> ModelConfigError { ModelConfigError(path: path, message: message) }
        guard modelType == "plm" else { throw bad("model_type is '\(modelType)', expected 'plm'") }
        guard qLoraRank == nil else { throw bad("q_lora_rank is \(qLoraRank!), PLM has no query low-rank path (null)") }
        guard tieWordEmbeddings else { throw bad("tie_word_embeddings is false; PLM ties its embeddings") }
        guard hiddenAct == "relu2" else { throw bad("hidden_act is '\(hiddenAct)', PLM uses 'relu2'") }
        guard ropeInterleave else { throw bad("rope_interleave is false; this model rotates interleaved pairs") }
        guard !attentionBias else { throw bad("attention_bias is true; PLM has no biases") }
        guard numKeyValueHeads == numAttentionHeads else {
            throw bad("num_key_value_heads (\(numKeyValueHeads)) differs from num_attention_heads (\(numAttentionHeads))")
        }
        let config = PLMConfig(hiddenSize: hiddenSize, numHiddenLayers: numHiddenLayers,
                               numAttentionHeads: numAttentionHeads, kvLoraRank: kvLoraRank,
                               qkNopeHeadDim: qkNopeHeadDim, qkRopeHeadDim: qkRopeHeadDim, vHeadDim: vHeadDim,
                               intermediateSize: intermediateSize, vocabSize: vocabSize,
                               maxPositionEmbeddings: maxPositionEmbeddings, ropeTheta: ropeTheta,
                               rmsNormEps: rmsNormEps)
        do { try config.validate() } catch { throw bad(error.description) }
        return config
    }

    // MARK: Files

    public static func read(path: String) throws(ModelConfigError) -> HFConfigFile {
        let bytes: [UInt8]
        do { bytes = try FileInput.readAll(path: path, limit: 16 << 20) } catch {
            throw ModelConfigError(path: path, message: "cannot read: \(error.message)")
        }
        do {
            return try JSONDecoder().decode(HFConfigFile.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw ModelConfigError(path: path, message: "missing key '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelConfigError(path: path, message: "key '\(key)': \(context.debugDescription)")
        } catch {
            throw ModelConfigError(path: path, message: "not a valid config.json: \(error)")
        }
    }

    /// Reads `config.json` and returns the checked model shape.
    public static func readModelConfig(path: String) throws(ModelConfigError) -> PLMConfig {
        try read(path: path).modelConfig(path: path)
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileSystem.writeAtomically(Array(try encoder.encode(self)) + [0x0A], to: path)
    }
}

extension HFConfigFile {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        architectures = try c.decodeIfPresent([String].self, forKey: .architectures) ?? ["PLMForCausalLM"]
        modelType = try c.decode(String.self, forKey: .modelType)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        qLoraRank = try c.decodeIfPresent(Int.self, forKey: .qLoraRank)
        kvLoraRank = try c.decode(Int.self, forKey: .kvLoraRank)
        qkNopeHeadDim = try c.decode(Int.self, forKey: .qkNopeHeadDim)
        qkRopeHeadDim = try c.decode(Int.self, forKey: .qkRopeHeadDim)
        vHeadDim = try c.decode(Int.self, forKey: .vHeadDim)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxPositionEmbeddings = try c.decode(Int.self, forKey: .maxPositionEmbeddings)
        ropeTheta = try c.decode(Double.self, forKey: .ropeTheta)
        rmsNormEps = try c.decode(Double.self, forKey: .rmsNormEps)
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? true
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "relu2"
        torchDtype = try c.decodeIfPresent(String.self, forKey: .torchDtype) ?? "float32"
        ropeInterleave = try c.decodeIfPresent(Bool.self, forKey: .ropeInterleave) ?? true
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false
        initializerRange = try c.decodeIfPresent(Double.self, forKey: .initializerRange) ?? 0.02
        bosTokenId = try c.decodeIfPresent(Int.self, forKey: .bosTokenId)
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId)
    }
}
