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

/// One parameter tensor of the model: its kind and layer, its Hugging Face key, its shape (PyTorch
/// order: a Linear's weight is [out, in], row-major) and where it lives in the flat parameter arena.
public struct ParameterTensor: Sendable, Equatable {
    public var kind: PLMTensorKind
    /// The decoder layer, nil for the embedding and the final norm.
    public var layer: Int?
    public var name: String
    public var shape: [Int]
    /// Offset in floats from the start of the arena.
    public var offset: Int
    public var count: Int { shape.reduce(1, *) }
    /// RMSNorm weights: initialised to 1 and excluded from weight decay.
    public var isNorm: Bool { kind.isNorm }
    /// The tensor's name in GGUF files (llama.cpp's `plm` architecture).
    public var ggufName: String { kind.ggufName(layer: layer) }
}

/// The order and shapes of every parameter tensor, which fixes the layout of the parameter arena,
/// of the gradient arena and of the optimizer's moment arenas (all four share these offsets), and the
/// tensor list of `model.safetensors`. Names and shapes come from `PLMTensorKind`.
public struct ParameterLayout: Sendable, Equatable {
    public let tensors: [ParameterTensor]
    public let totalCount: Int
    private let layers: Int

    public init(config c: PLMConfig) {
        var tensors: [ParameterTensor] = []
        var offset = 0
        for (kind, layer) in c.tensorOrder {
            let tensor = ParameterTensor(kind: kind, layer: layer, name: kind.huggingFaceName(layer: layer),
                                         shape: kind.shape(c), offset: offset)
            tensors.append(tensor)
            offset += tensor.count
        }
        self.tensors = tensors
        self.totalCount = offset
        self.layers = c.numHiddenLayers
    }

    public func tensor(named name: String) -> ParameterTensor? { tensors.first { $0.name == name } }

    /// The tensor of this kind (and layer, for per-layer kinds).
    public func tensor(_ kind: PLMTensorKind, layer: Int? = nil) -> ParameterTensor {
        precondition(kind.isPerLayer == (layer != nil), "per-layer kinds need a layer, others none")
        switch kind {
        case .embedding: return tensors[0]
        case .finalNorm: return tensors[tensors.count - 1]
        default:
            precondition(layer! >= 0 && layer! < layers, "layer \(layer!) outside 0..<\(layers)")
            return tensors[1 + layer! * PLMTensorKind.perLayer.count + PLMTensorKind.perLayer.firstIndex(of: kind)!]
        }
    }
}
