/// The shape of a PLM (Multi-head Latent Attention without a query low-rank path, ungated squared-ReLU
/// feed-forward, tied embeddings, no biases). Field names follow Hugging Face's `config.json` keys.
public struct PLMConfig: Sendable, Equatable, Codable {
    public var hiddenSize: Int            // d
    public var numHiddenLayers: Int       // L
    public var numAttentionHeads: Int     // H
    public var kvLoraRank: Int            // latent width of c_kv
    public var qkNopeHeadDim: Int         // per-head query/key part without RoPE
    public var qkRopeHeadDim: Int         // per-head query part with RoPE; the shared k_pe width
    public var vHeadDim: Int              // per-head value width
    public var intermediateSize: Int      // feed-forward width
    public var vocabSize: Int
    public var maxPositionEmbeddings: Int
    public var ropeTheta: Double
    public var rmsNormEps: Double

    public init(hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, kvLoraRank: Int,
                qkNopeHeadDim: Int, qkRopeHeadDim: Int, vHeadDim: Int, intermediateSize: Int, vocabSize: Int,
                maxPositionEmbeddings: Int, ropeTheta: Double = 100_000, rmsNormEps: Double = 1e-6) {
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.kvLoraRank = kvLoraRank
        self.qkNopeHeadDim = qkNopeHeadDim
        self.qkRopeHeadDim = qkRopeHeadDim
        self.vHeadDim = vHeadDim
        self.intermediateSize = intermediateSize
        self.vocabSize = vocabSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.ropeTheta = ropeTheta
        self.rmsNormEps = rmsNormEps
    }

    /// Per-head query/key width: nope + rope.
    public var qkHeadDim: Int { qkNopeHeadDim + qkRopeHeadDim }
}

/// One parameter tensor of the model: its Hugging Face key, its shape (PyTorch order: a Linear's
/// weight is [out, in], row-major) and where it lives in the flat parameter arena.
public struct ParameterTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    /// Offset in floats from the start of the arena.
    public var offset: Int
    public var count: Int { shape.reduce(1, *) }
    /// RMSNorm weights: initialised to 1 and excluded from weight decay.
    public var isNorm: Bool { shape.count == 1 }
}

/// The order and shapes of every parameter tensor, which fixes the layout of the parameter arena,
/// of the gradient arena and of the optimizer's moment arenas (all four share these offsets), and the
/// tensor list of `model.safetensors`.
public struct ParameterLayout: Sendable, Equatable {
    public let tensors: [ParameterTensor]
    public let totalCount: Int

    public init(config c: PLMConfig) {
        var tensors: [ParameterTensor] = []
        var offset = 0
        func add(_ name: String, _ shape: [Int]) {
            let tensor = ParameterTensor(name: name, shape: shape, offset: offset)
            tensors.append(tensor)
            offset += tensor.count
        }
        let d = c.hiddenSize, h = c.numAttentionHeads
        add("model.embed_tokens.weight", [c.vocabSize, d])
        for i in 0..<c.numHiddenLayers {
            let p = "model.layers.\(i)."
            add(p + "input_layernorm.weight", [d])
            add(p + "self_attn.q_proj.weight", [h * c.qkHeadDim, d])
            add(p + "self_attn.kv_a_proj_with_mqa.weight", [c.kvLoraRank + c.qkRopeHeadDim, d])
            add(p + "self_attn.kv_a_layernorm.weight", [c.kvLoraRank])
            add(p + "self_attn.kv_b_proj.weight", [h * (c.qkNopeHeadDim + c.vHeadDim), c.kvLoraRank])
            add(p + "self_attn.o_proj.weight", [d, h * c.vHeadDim])
            add(p + "post_attention_layernorm.weight", [d])
            add(p + "mlp.up_proj.weight", [c.intermediateSize, d])
            add(p + "mlp.down_proj.weight", [d, c.intermediateSize])
        }
        add("model.norm.weight", [d])
        self.tensors = tensors
        self.totalCount = offset
    }

    public func tensor(named name: String) -> ParameterTensor? { tensors.first { $0.name == name } }
}
