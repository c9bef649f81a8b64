/// The model shapes known by name. Vocab sizes are defaults: a run's tokenizer overrides them
/// (`withVocabSize`). Parameter counts are at these default vocabularies.
extension PLMConfig {
    /// About 1.05M parameters: for tests and minute-long runs.
    public static let plmTiny = PLMConfig(
        hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 4, kvLoraRank: 64, qkNopeHeadDim: 32,
        qkRopeHeadDim: 16, vHeadDim: 32, intermediateSize: 512, vocabSize: 2048, maxPositionEmbeddings: 1024)

    /// About 27.5M parameters (23.3M in the layers, 4.2M embedding).
    public static let plmSmall = PLMConfig(
        hiddenSize: 512, numHiddenLayers: 8, numAttentionHeads: 8, kvLoraRank: 128, qkNopeHeadDim: 64,
        qkRopeHeadDim: 32, vHeadDim: 64, intermediateSize: 2048, vocabSize: 8192, maxPositionEmbeddings: 2048)

    /// The paper's PLM-1.8B shape.
    public static let plm1_8B = PLMConfig(
        hiddenSize: 2048, numHiddenLayers: 32, numAttentionHeads: 16, kvLoraRank: 512, qkNopeHeadDim: 128,
        qkRopeHeadDim: 64, vHeadDim: 128, intermediateSize: 8192, vocabSize: 151_936, maxPositionEmbeddings: 4096)

    /// Preset names in size order.
    public static let presetNames = ["plm-tiny", "plm-small", "plm-1.8b"]

    /// The preset of this name, validated.
    public static func preset(named name: String) throws(PLMConfigError) -> PLMConfig {
        switch name {
        case "plm-tiny": return plmTiny
        case "plm-small": return plmSmall
        case "plm-1.8b": return plm1_8B
        default: throw .unknownPreset(name, known: presetNames)
        }
    }

    /// This shape with another vocabulary (the tokenizer's).
    public func withVocabSize(_ size: Int) -> PLMConfig {
        var copy = self
        copy.vocabSize = size
        return copy
    }

    /// Total parameters (embedding counted once: it is tied to the output head).
    public var parameterCount: Int { ParameterLayout(config: self).totalCount }

    /// Checks that the shape is one the model can run; the error names the field and why.
    public func validate() throws(PLMConfigError) {
        let positive: [(String, Int)] = [
            ("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
            ("num_attention_heads", numAttentionHeads), ("kv_lora_rank", kvLoraRank),
            ("qk_nope_head_dim", qkNopeHeadDim), ("qk_rope_head_dim", qkRopeHeadDim), ("v_head_dim", vHeadDim),
            ("intermediate_size", intermediateSize), ("vocab_size", vocabSize),
            ("max_position_embeddings", maxPositionEmbeddings),
        ]
        for (field, value) in positive where value <= 0 {
            throw .invalid(field: field, value: "\(value)", reason: "must be positive")
        }
        // MLA itself would run with any head count, but every PLM (and the Hugging Face loaders' shape
        // checks) keeps hidden_size a multiple of the head count; a mismatch is almost surely a typo.
        if hiddenSize % numAttentionHeads != 0 {
            throw .invalid(field: "num_attention_heads", value: "\(numAttentionHeads)",
                           reason: "must divide hidden_size \(hiddenSize)")
        }
        // RoPE turns pairs (2i, 2i+1): an odd width leaves a coordinate without a partner.
        if qkRopeHeadDim % 2 != 0 {
            throw .invalid(field: "qk_rope_head_dim", value: "\(qkRopeHeadDim)", reason: "must be even (RoPE pairs)")
        }
        if !(ropeTheta > 1) || !ropeTheta.isFinite {
            throw .invalid(field: "rope_theta", value: "\(ropeTheta)", reason: "must be a finite number above 1")
        }
        if !(rmsNormEps > 0) || !rmsNormEps.isFinite {
            throw .invalid(field: "rms_norm_eps", value: "\(rmsNormEps)", reason: "must be a finite positive number")
        }
    }
}

/// A model shape that cannot be used.
public enum PLMConfigError: Error, Equatable, CustomStringConvertible {
    case unknownPreset(String, known: [String])
    case invalid(field: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .unknownPreset(let name, let known):
            "unknown model preset '\(name)' (known: \(known.joined(separator: ", ")))"
        case .invalid(let field, let value, let reason):
            "model config field '\(field)' = \(value): \(reason)"
        }
    }
}
