import PLMModel

extension EngineWeights {
    /// The weights of a checkpoint folder (ours, or a Hugging Face folder with shards in f32, f16 or
    /// bf16), one tensor at a time: a 1.8B checkpoint never sits in memory twice. Asked for f32, an f32
    /// tensor is used in place from the mapped file (the matrix keeps the file open); anything else is
    /// converted into an allocation of the asked-for type.
    public convenience init(checkpoint: HFModelFolder, type: WeightType) throws {
        try self.init(config: checkpoint.config, type: type) { kind, layer in
            let tensor = checkpoint.layout.tensor(kind, layer: layer)
            let rows = tensor.shape.count == 1 ? 1 : tensor.shape[0], columns = tensor.shape.last!
            let stored = kind.isNorm ? WeightType.f32 : type.forMatrix(columns: columns)
            let location = checkpoint.location(of: tensor)
            if stored == .f32, let mapped = location.mappedFloats {
                // The mapping lives as long as the folder object; the storage holds on to it.
                let storage = WeightStorage(adopting: UnsafeMutableRawPointer(mutating: mapped.baseAddress!),
                                            byteCount: mapped.count * 4) { _, _ in withExtendedLifetime(checkpoint) {} }
                return WeightMatrix(type: .f32, rows: rows, columns: columns, data: mapped.baseAddress!, storage: storage)
            }
            // Converted tensors drop their file pages once read (`withValues`), so loading a bf16 1.8B
            // folder as q8_0 holds the q8_0 weights, not also every page of the shards it passed.
            return try checkpoint.withValues(of: kind, layer: layer) { values in
                WeightMatrix.converting(values.baseAddress!, rows: rows, columns: columns, to: stored)
            }
        }
    }
}
