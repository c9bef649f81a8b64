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

/// The offsets of every tensor the forward pass reads, taken from `ParameterLayout` by kind.
struct ModelOffsets {
    var embedding: Int          // (V, C), also the output head
    var layers: [LayerOffsets]
    var finalNorm: Int          // (C)

    init(layout: ParameterLayout, layers count: Int) {
        embedding = layout.tensor(.embedding).offset
        finalNorm = layout.tensor(.finalNorm).offset
        layers = (0..<count).map { i in
            func offset(_ kind: PLMTensorKind) -> Int { layout.tensor(kind, layer: i).offset }
            return LayerOffsets(
                inputNorm: offset(.inputNorm), qProj: offset(.qProj), kvaProj: offset(.kvaProj),
                kvaNorm: offset(.kvaNorm), kvbProj: offset(.kvbProj), oProj: offset(.oProj),
                postNorm: offset(.postNorm), upProj: offset(.upProj), downProj: offset(.downProj))
        }
    }
}
