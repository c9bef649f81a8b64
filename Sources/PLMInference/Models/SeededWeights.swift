import PLMModel

/// Deterministic random weights for any PLM shape, tensor by tensor: for speed benchmarks at shapes we
/// have no trained checkpoint of (PLM-1.8B), and for parity goldens that a test must rebuild exactly on
/// any machine. Values come from a 64-bit LCG seeded per tensor (integer arithmetic, so every machine
/// draws the same floats), uniform with a spread that keeps activations of order one through the
/// layers: the embedding has unit variance, a matrix variance 1 / (its row length), norm weights are
/// 1 +- 0.2. Logits then differ clearly between tokens, unlike a fresh N(0, 0.02) model's.
public struct SeededWeights: Sendable {
    public let config: PLMConfig
    public let seed: UInt64

    public init(config: PLMConfig, seed: UInt64) {
        self.config = config
        self.seed = seed
    }

    /// The values of one tensor, row-major in its `PLMTensorKind.shape` order.
    public func values(_ kind: PLMTensorKind, layer: Int?) -> [Float] {
        let shape = kind.shape(config)
        let count = shape.reduce(1, *)
        let kindIndex = UInt64(PLMTensorKind.allCases.firstIndex(of: kind)!)
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ kindIndex &* 0xBF58_476D_1CE4_E5B9
            &+ UInt64(layer.map { $0 + 1 } ?? 0) &* 0x94D0_49BB_1331_11EB
        let spread: Float = kind == .embedding ? 1.7 : 1.7 / Float(shape.last!).squareRoot()
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let uniform = Float(state >> 40) / Float(1 << 24) * 2 - 1
                buffer[i] = kind.isNorm ? 1 + 0.2 * uniform : spread * uniform
            }
            initialized = count
        }
    }

    /// The weights in `type` (norms f32), built one tensor at a time: peak memory is the converted
    /// weights plus one tensor in f32.
    public func engineWeights(type: WeightType) -> EngineWeights {
        // The closure never throws: every tensor has its config shape by construction.
        try! EngineWeights(config: config, type: type) { kind, layer in
            let shape = kind.shape(config)
            let rows = shape.count == 1 ? 1 : shape[0], columns = shape.last!
            let stored = kind.isNorm ? WeightType.f32 : type.forMatrix(columns: columns)
            return values(kind, layer: layer).withUnsafeBufferPointer {
                WeightMatrix.converting($0.baseAddress!, rows: rows, columns: columns, to: stored)
            }
        }
    }

    /// Copies the weights into a trainer's model of the same shape (tests compare the two).
    public func fill(_ model: PLMTransformer) {
        precondition(model.config == config, "the model's shape differs from these weights'")
        for tensor in model.layout.tensors {
            let values = values(tensor.kind, layer: tensor.layer)
            for i in 0..<tensor.count { model.parameters[tensor.offset + i] = values[i] }
        }
    }
}

/// Seeded weights write to GGUF like any model: one tensor drawn at a time.
extension SeededWeights: PLMTensorSource {
    public func withValues<R>(of kind: PLMTensorKind, layer: Int?,
                              _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        try values(kind, layer: layer).withUnsafeBufferPointer(body)
    }
}
