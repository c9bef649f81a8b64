/// Where each layer's weights sit in a parameter-shaped arena (parameters or gradients: same offsets).
struct LayerOffsets {
    var inputNorm: Int          // (C)
    var qProj: Int              // (H*(nope+rope), C)
    var kvaProj: Int            // (kvLora+rope, C)
    var kvaNorm: Int            // (kvLora)
    var kvbProj: Int            // (H*(nope+v), kvLora)
    var oProj: Int              // (C, H*v)
    var postNorm: Int           // (C)
    var upProj: Int             // (F, C)
    var downProj: Int           // (C, F)
}

/// The offsets of every tensor the forward pass reads, taken from `ParameterLayout` by name.
struct ModelOffsets {
    var embedding: Int          // (V, C), also the output head
    var layers: [LayerOffsets]
    var finalNorm: Int          // (C)

    init(layout: ParameterLayout, layers count: Int) {
        func offset(_ name: String) -> Int {
            guard let tensor = layout.tensor(named: name) else { preconditionFailure("layout lacks \(name)") }
            return tensor.offset
        }
        embedding = offset("model.embed_tokens.weight")
        finalNorm = offset("model.norm.weight")
        layers = (0..<count).map { i in
            let p = "model.layers.\(i)."
            return LayerOffsets(
                inputNorm: offset(p + "input_layernorm.weight"), qProj: offset(p + "self_attn.q_proj.weight"),
                kvaProj: offset(p + "self_attn.kv_a_proj_with_mqa.weight"),
                kvaNorm: offset(p + "self_attn.kv_a_layernorm.weight"),
                kvbProj: offset(p + "self_attn.kv_b_proj.weight"), oProj: offset(p + "self_attn.o_proj.weight"),
                postNorm: offset(p + "post_attention_layernorm.weight"), upProj: offset(p + "mlp.up_proj.weight"),
                downProj: offset(p + "mlp.down_proj.weight"))
        }
    }
}
