import PLMModel

/// One decoder layer's weights as the engine runs them: matrices in their stored type, norm weights
/// as f32 (they are tiny and every path reads them as floats).
public struct LayerWeights: Sendable {
    public var inputNorm: [Float]           // (C)
    public var qProj: WeightMatrix          // (H*(nope+rope), C)
    public var kvaProj: WeightMatrix        // (kvLora+rope, C)
    public var kvaNorm: [Float]             // (kvLora)
    public var kvbProj: WeightMatrix        // (H*(nope+v), kvLora), head by head: k_nope rows then v rows
    public var oProj: WeightMatrix          // (C, H*v)
    public var postNorm: [Float]            // (C)
    public var upProj: WeightMatrix         // (F, C)
    public var downProj: WeightMatrix       // (C, F)
}

/// Every weight of a PLM in the form the engine runs: the same tensors, names and shapes as the
/// trainer's `ParameterLayout` (`PLMTensorKind`), each matrix in f32, f16 or q8_0.
public final class EngineWeights: Sendable {
    public let config: PLMConfig
    /// The type asked for; a matrix whose rows cannot hold it may be stored in another (`forMatrix`).
    public let type: WeightType
    public let embedding: WeightMatrix      // (V, C), also the output head (tied)
    public let layers: [LayerWeights]
    public let finalNorm: [Float]           // (C)

    /// Builds the weights from a source that hands out each tensor (kind, layer) as a matrix of the
    /// tensor's shape (1-D tensors as one row). Shapes are checked against the config; a wrong one is
    /// an error naming the tensor.
    public init(config: PLMConfig, type: WeightType,
                tensor: (PLMTensorKind, Int?) throws -> WeightMatrix) throws {
        func matrix(_ kind: PLMTensorKind, _ layer: Int?) throws -> WeightMatrix {
            let m = try tensor(kind, layer)
            let shape = kind.shape(config)
            let expected = shape.count == 1 ? (1, shape[0]) : (shape[0], shape[1])
            guard m.rows == expected.0, m.columns == expected.1 else {
                throw EngineError.tensorShape(name: kind.huggingFaceName(layer: layer), expected: shape,
                                              found: m.rows == 1 ? [m.columns] : [m.rows, m.columns])
            }
            return m
        }
        func vector(_ kind: PLMTensorKind, _ layer: Int?) throws -> [Float] { try matrix(kind, layer).decoded() }
        self.config = config
        self.type = type
        embedding = try matrix(.embedding, nil)
        layers = try (0..<config.numHiddenLayers).map { l in
            LayerWeights(inputNorm: try vector(.inputNorm, l), qProj: try matrix(.qProj, l),
                         kvaProj: try matrix(.kvaProj, l), kvaNorm: try vector(.kvaNorm, l),
                         kvbProj: try matrix(.kvbProj, l), oProj: try matrix(.oProj, l),
                         postNorm: try vector(.postNorm, l), upProj: try matrix(.upProj, l),
                         downProj: try matrix(.downProj, l))
        }
        finalNorm = try vector(.finalNorm, nil)
    }

    /// The weights of a model in memory (the trainer's, or one loaded from a checkpoint), converted to
    /// `type`. Norms stay f32.
    public convenience init(model: PLMTransformer, type: WeightType) {
        let parameters = UnsafePointer(model.parameters.baseAddress!)
        // The closure never throws: every tensor comes from the model's own layout.
        try! self.init(config: model.config, type: type) { kind, layer in
            let tensor = model.layout.tensor(kind, layer: layer)
            let rows = tensor.shape.count == 1 ? 1 : tensor.shape[0], columns = tensor.shape.last!
            let stored = kind.isNorm ? WeightType.f32 : type.forMatrix(columns: columns)
            return WeightMatrix.converting(parameters + tensor.offset, rows: rows, columns: columns, to: stored)
        }
    }

    /// Bytes of all matrices and vectors as stored.
    public var byteCount: Int {
        var total = embedding.byteCount + finalNorm.count * 4
        for layer in layers {
            total += [layer.qProj, layer.kvaProj, layer.kvbProj, layer.oProj, layer.upProj, layer.downProj]
                .reduce(0) { $0 + $1.byteCount }
            total += (layer.inputNorm.count + layer.kvaNorm.count + layer.postNorm.count) * 4
        }
        return total
    }
}
