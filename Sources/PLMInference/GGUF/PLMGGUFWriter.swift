import PLMModel
import Tokenization

/// Where the writer gets each parameter tensor's values: f32, PyTorch order ([out, in], row-major),
/// `kind.shape(config)` of them. Tensors are asked for one at a time in file order, so a source
/// may read them lazily (one tensor in memory at a time).
public protocol PLMTensorSource {
    func withValues<R>(of kind: PLMTensorKind, layer: Int?, _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R
}

/// A model in memory is a source without copies: each tensor is a slice of its parameter arena.
extension PLMTransformer: PLMTensorSource {
    public func withValues<R>(of kind: PLMTensorKind, layer: Int?,
                              _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        let tensor = layout.tensor(kind, layer: layer)
        return try body(UnsafeBufferPointer(rebasing: parameters[tensor.offset..<tensor.offset + tensor.count]))
    }
}

/// Writes a PLM as a GGUF file llama.cpp's `plm` architecture loads (FORMATS.md section 5): the
/// `plm.*` hyperparameters, the tokenizer, and every tensor under its GGUF name with its dimensions
/// in ggml order. The output head is tied to `token_embd.weight`, so there is no `output.weight`.
public enum PLMGGUFWriter {
    /// One tensor of the file: which parameter it is and how it is stored.
    public struct PlannedTensor: Sendable, Equatable {
        public var kind: PLMTensorKind
        public var layer: Int?
        public var info: GGUFTensorInfo
    }

    /// The storage type of a tensor in a file of `requested` type, as llama.cpp's converter chooses it:
    /// 1-D tensors (the norms) stay f32; under q8_0 a matrix whose rows are not whole blocks of 32
    /// cannot be quantized and falls back to f16 (the converter's `QuantError` fallback).
    public static func storageType(shape: [Int], requested: WeightType) -> WeightType {
        shape.count <= 1 ? .f32 : requested.forMatrix(columns: shape.last!)
    }

    /// Every tensor in file order (the embedding, each layer's tensors, the final norm).
    public static func plan(config: PLMConfig, type: WeightType) -> [PlannedTensor] {
        config.tensorOrder.map { kind, layer in
            let shape = kind.shape(config)
            return PlannedTensor(kind: kind, layer: layer,
                                 info: GGUFTensorInfo(name: kind.ggufName(layer: layer), pytorchShape: shape,
                                                      type: storageType(shape: shape, requested: type)))
        }
    }

    /// The file's metadata: general.*, plm.* and tokenizer.* keys with the value types llama.cpp's
    /// loader requires (u32 counts and ids, f32 epsilon and RoPE base, bool flags).
    public static func metadata(config c: PLMConfig, tokenizer: GGUFTokenizer, type: WeightType,
                                name: String) throws(TokenizerError) -> GGUFMetadata {
        func u32(_ value: Int) -> GGUFValue { .uint32(UInt32(clamping: value)) }
        var metadata = GGUFMetadata([
            (PLMGGUFKey.architecture, .string(PLMGGUFKey.architectureName)),
            (PLMGGUFKey.type, .string("model")),
            (PLMGGUFKey.name, .string(name)),
            (PLMGGUFKey.fileType, .uint32(GGUFFileType.id(for: type))),
            (PLMGGUFKey.quantizationVersion, .uint32(PLMGGUFKey.quantizationVersionValue)),
            (PLMGGUFKey.alignment, .uint32(UInt32(GGUFFormat.defaultAlignment))),
            (PLMGGUFKey.vocabSize, u32(c.vocabSize)),
            (PLMGGUFKey.contextLength, u32(c.maxPositionEmbeddings)),
            (PLMGGUFKey.embeddingLength, u32(c.hiddenSize)),
            (PLMGGUFKey.blockCount, u32(c.numHiddenLayers)),
            (PLMGGUFKey.feedForwardLength, u32(c.intermediateSize)),
            (PLMGGUFKey.headCount, u32(c.numAttentionHeads)),
            (PLMGGUFKey.headCountKV, u32(c.numAttentionHeads)),
            (PLMGGUFKey.ropeFreqBase, .float32(Float(c.ropeTheta))),
            (PLMGGUFKey.rmsEpsilon, .float32(Float(c.rmsNormEps))),
            (PLMGGUFKey.kvLoraRank, u32(c.kvLoraRank)),
            (PLMGGUFKey.keyLength, u32(c.qkHeadDim)),
            (PLMGGUFKey.valueLength, u32(c.vHeadDim)),
            (PLMGGUFKey.ropeDimensions, u32(c.qkRopeHeadDim)),
        ])
        for (key, value) in try tokenizer.metadata(vocabularySize: c.vocabSize) { metadata[key] = value }
        return metadata
    }

    /// Writes the model to `path` (a temporary name renamed into place when complete), converting each
    /// tensor from f32 to its storage type row slice by row slice as it streams to the file.
    @discardableResult
    public static func write(config: PLMConfig, tokenizer: GGUFTokenizer, weights: some PLMTensorSource,
                             type: WeightType, name: String, to path: String) throws -> GGUFWriteSummary {
        do { try config.validate() } catch {
            throw GGUFError(path: path, message: "cannot write this model: \(error)")
        }
        let metadata: GGUFMetadata
        do { metadata = try self.metadata(config: config, tokenizer: tokenizer, type: type, name: name) } catch {
            throw GGUFError(path: path, subject: "the tokenizer", message: error.description)
        }
        let plan = plan(config: config, type: type)
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: plan.map(\.info))
        for tensor in plan {
            try weights.withValues(of: tensor.kind, layer: tensor.layer) { values in
                guard values.count == tensor.info.elementCount else {
                    throw GGUFError.tensor(tensor.info.name, path: path, "the source gave \(values.count) values, its "
                        + "shape \(tensor.info.pytorchShape) has \(tensor.info.elementCount)")
                }
                try writer.writeRows(values)
            }
        }
        return try writer.finish()
    }
}
