/// A Hugging Face PLM folder (`config.json` + safetensors in any layout `SafeTensorsFolder` reads, in
/// F32, F16 or BF16) opened and checked against the model shape, from which f32 tensors are read one
/// at a time: the engine converts each into its own format and never holds two full f32 copies of a
/// 1.8B model; `Checkpoint.loadModel` reads them all into a trainer's parameter arena.
///
/// Checked before anything is read: every tensor of the shape's `ParameterLayout` is present with its
/// shape and a dtype we read; a tensor the PLM does not have is an error, except the known harmless
/// ones in `ignoredReason(for:)`, listed in `ignored` with why.
public final class HFModelFolder: Sendable {
    public let folder: String
    public let config: PLMConfig
    /// `config.json` as read (token ids, torch_dtype and the rest).
    public let configFile: HFConfigFile?
    public let layout: ParameterLayout
    public let tensors: SafeTensorsFolder
    /// Tensors in the files that the PLM does not use, and why each is harmless.
    public let ignored: [IgnoredTensor]
    /// The model's tensors in layout order (same indices as `layout.tensors`).
    private let located: [SafeTensorsTensor]
    private let indexByName: [String: Int]

    /// Opens `folder`, reading the shape from its `config.json`.
    public convenience init(folder: String) throws {
        let path = folder + "/" + Checkpoint.configFile
        let file = try HFConfigFile.read(path: path)
        try self.init(tensors: try SafeTensorsFolder(folder: folder), config: try file.modelConfig(path: path),
                      configFile: file)
    }

    /// Checks `tensors` against the shape `config`.
    public init(tensors: SafeTensorsFolder, config: PLMConfig, configFile: HFConfigFile? = nil) throws(SafeTensorsError) {
        self.folder = tensors.folder
        self.config = config
        self.configFile = configFile
        self.tensors = tensors
        layout = ParameterLayout(config: config)
        var located: [SafeTensorsTensor] = []
        var indexByName: [String: Int] = [:]
        for expected in layout.tensors {
            indexByName[expected.name] = located.count
            guard let tensor = tensors.tensor(named: expected.name) else {
                throw SafeTensorsError.missing(tensors.describingPath, tensor: expected.name, expected: expected.shape)
            }
            guard tensor.shape == expected.shape else {
                throw SafeTensorsError.misshaped(tensor.path, tensor: expected.name, expected: expected.shape,
                                                 found: tensor.shape)
            }
            guard tensor.entry.floatType != nil else {
                throw SafeTensorsError.unreadableType(tensor.path, tensor: tensor.name, dtype: tensor.dtype,
                                                      byteOffset: tensor.fileOffset)
            }
            located.append(tensor)
        }
        self.located = located
        self.indexByName = indexByName
        var ignored: [IgnoredTensor] = []
        for tensor in tensors.tensors where indexByName[tensor.name] == nil {
            guard let reason = Self.ignoredReason(for: tensor, config: config) else {
                throw SafeTensorsError.unexpected(tensor.path, tensor: tensor.name, shape: tensor.shape)
            }
            ignored.append(IgnoredTensor(name: tensor.name, path: tensor.path, reason: reason))
        }
        self.ignored = ignored
    }

    /// Why a tensor the PLM does not have may be skipped, nil when it may not. Only two kinds are known
    /// to be harmless:
    /// - `lm_head.weight` shaped like the embedding: PLM ties its output head to the embedding
    ///   (`tie_word_embeddings`), and some exporters write the tied head out anyway. Its values are not
    ///   compared; the embedding is what the PLM uses.
    /// - `...rotary_emb.inv_freq`: a RoPE buffer older transformers versions saved; the model recomputes
    ///   the frequencies from `rope_theta`.
    /// Anything else (a bias, a gate projection, another layer) means the folder holds a different
    /// architecture, and loading it without those weights would give a different model.
    static func ignoredReason(for tensor: SafeTensorsTensor, config: PLMConfig) -> String? {
        if tensor.name == "lm_head.weight", tensor.shape == PLMTensorKind.embedding.shape(config) {
            return "the output head is tied to model.embed_tokens.weight (tie_word_embeddings); this copy is not used"
        }
        if tensor.name.hasSuffix("rotary_emb.inv_freq") {
            return "RoPE frequencies are computed from rope_theta, not read"
        }
        return nil
    }

    /// Where a model tensor is stored (file, dtype, bytes in place).
    public func location(of tensor: ParameterTensor) -> SafeTensorsTensor {
        located[index(of: tensor)]
    }

    /// Reads one model tensor converted to f32 into `destination` (exactly `tensor.count` floats).
    public func read(_ tensor: ParameterTensor, into destination: UnsafeMutableBufferPointer<Float>) throws(SafeTensorsError) {
        try location(of: tensor).read(into: destination)
    }

    /// Calls `body` with one model tensor as f32: in place when the file holds it as aligned F32,
    /// otherwise converted into a buffer that lives for the call only.
    public func withFloats<Result>(_ tensor: ParameterTensor,
                                   _ body: (UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        let stored = location(of: tensor)
        if let inPlace = stored.mappedFloats { return try body(inPlace) }
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: tensor.count)
        defer { buffer.deallocate() }
        try stored.read(into: buffer)
        return try body(UnsafeBufferPointer(buffer))
    }

    /// Reads every tensor into an arena laid out by `layout`.
    public func readAll(into arena: UnsafeMutableBufferPointer<Float>) throws(SafeTensorsError) {
        precondition(arena.count == layout.totalCount, "arena size differs from the layout's")
        for (tensor, stored) in zip(layout.tensors, located) {
            try stored.read(into: UnsafeMutableBufferPointer(rebasing: arena[tensor.offset..<tensor.offset + tensor.count]))
        }
    }

    private func index(of tensor: ParameterTensor) -> Int {
        guard let index = indexByName[tensor.name] else {
            preconditionFailure("tensor \(tensor.name) is not of this folder's layout")
        }
        return index
    }
}

/// A tensor of a model folder that the PLM does not use, with the file holding it and why skipping it
/// is harmless (a note for the user, not an error).
public struct IgnoredTensor: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var path: String
    public var reason: String
    public var description: String { "\(path): ignoring tensor '\(name)': \(reason)" }
}
