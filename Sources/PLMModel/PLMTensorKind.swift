/// Every kind of parameter tensor a PLM has, with its name in each file format we read or write and
/// its shape. This is the one table of parameter names: the parameter arena's layout, the trainer's
/// offsets, safetensors checkpoints, Hugging Face folders and GGUF files all take names from here.
public enum PLMTensorKind: String, CaseIterable, Sendable {
    case embedding          // (V, C), also the output head (tied)
    case inputNorm          // (C)
    case qProj              // (H*(nope+rope), C)
    case kvaProj            // (kvLora+rope, C)
    case kvaNorm            // (kvLora)
    case kvbProj            // (H*(nope+v), kvLora), rows head by head: k_nope then v
    case oProj              // (C, H*v)
    case postNorm           // (C)
    case upProj             // (F, C)
    case downProj           // (C, F)
    case finalNorm          // (C)

    /// The kinds each decoder layer holds, in file order.
    public static let perLayer: [PLMTensorKind] = [
        .inputNorm, .qProj, .kvaProj, .kvaNorm, .kvbProj, .oProj, .postNorm, .upProj, .downProj,
    ]

    public var isPerLayer: Bool { self != .embedding && self != .finalNorm }

    /// RMSNorm weights: one dimension, initialised to 1, no weight decay.
    public var isNorm: Bool { self == .inputNorm || self == .kvaNorm || self == .postNorm || self == .finalNorm }

    /// The Hugging Face (transformers) key; `layer` is required for per-layer kinds.
    public func huggingFaceName(layer: Int? = nil) -> String {
        switch self {
        case .embedding: return "model.embed_tokens.weight"
        case .finalNorm: return "model.norm.weight"
        default: break
        }
        let prefix = "model.layers.\(layer!)."
        switch self {
        case .inputNorm: return prefix + "input_layernorm.weight"
        case .qProj: return prefix + "self_attn.q_proj.weight"
        case .kvaProj: return prefix + "self_attn.kv_a_proj_with_mqa.weight"
        case .kvaNorm: return prefix + "self_attn.kv_a_layernorm.weight"
        case .kvbProj: return prefix + "self_attn.kv_b_proj.weight"
        case .oProj: return prefix + "self_attn.o_proj.weight"
        case .postNorm: return prefix + "post_attention_layernorm.weight"
        case .upProj: return prefix + "mlp.up_proj.weight"
        case .downProj: return prefix + "mlp.down_proj.weight"
        case .embedding, .finalNorm: preconditionFailure("handled above")
        }
    }

    /// The GGUF (llama.cpp `plm` architecture) tensor name.
    public func ggufName(layer: Int? = nil) -> String {
        switch self {
        case .embedding: return "token_embd.weight"
        case .finalNorm: return "output_norm.weight"
        default: break
        }
        let prefix = "blk.\(layer!)."
        switch self {
        case .inputNorm: return prefix + "attn_norm.weight"
        case .qProj: return prefix + "attn_q.weight"
        case .kvaProj: return prefix + "attn_kv_a_mqa.weight"
        case .kvaNorm: return prefix + "attn_kv_a_norm.weight"
        case .kvbProj: return prefix + "attn_kv_b.weight"
        case .oProj: return prefix + "attn_output.weight"
        case .postNorm: return prefix + "ffn_norm.weight"
        case .upProj: return prefix + "ffn_up.weight"
        case .downProj: return prefix + "ffn_down.weight"
        case .embedding, .finalNorm: preconditionFailure("handled above")
        }
    }

    /// The shape in PyTorch order: a Linear's weight is [out, in], row-major.
    public func shape(_ c: PLMConfig) -> [Int] {
        let d = c.hiddenSize, h = c.numAttentionHeads
        switch self {
        case .embedding: return [c.vocabSize, d]
        case .inputNorm, .postNorm, .finalNorm: return [d]
        case .qProj: return [h * c.qkHeadDim, d]
        case .kvaProj: return [c.kvLoraRank + c.qkRopeHeadDim, d]
        case .kvaNorm: return [c.kvLoraRank]
        case .kvbProj: return [h * (c.qkNopeHeadDim + c.vHeadDim), c.kvLoraRank]
        case .oProj: return [d, h * c.vHeadDim]
        case .upProj: return [c.intermediateSize, d]
        case .downProj: return [d, c.intermediateSize]
        }
    }
}

extension PLMConfig {
    /// Every tensor of this shape in file order: the embedding, each layer's kinds, the final norm.
    public var tensorOrder: [(kind: PLMTensorKind, layer: Int?)] {
        var order: [(kind: PLMTensorKind, layer: Int?)] = [(.embedding, nil)]
        for layer in 0..<numHiddenLayers {
            for kind in PLMTensorKind.perLayer { order.append((kind, layer)) }
        }
        order.append((.finalNorm, nil))
        return order
    }
}
