/// One tensor of a GGUF file: its name, its dimensions in ggml order (innermost first: `[columns,
/// rows]` for a PyTorch [rows, columns] matrix) and its storage type. In a file read back, `offset` is
/// where its data starts (bytes from the start of the file) and `infoOffset` where its description is.
public struct GGUFTensorInfo: Sendable, Equatable {
    public var name: String
    public var dimensions: [Int]
    public var type: WeightType
    /// Start of the data, from the start of the file (0 for a tensor not yet written).
    public var offset: Int
    /// Where the tensor's entry in the header starts, for messages (0 for a tensor not yet written).
    public var infoOffset: Int

    public init(name: String, dimensions: [Int], type: WeightType, offset: Int = 0, infoOffset: Int = 0) {
        self.name = name
        self.dimensions = dimensions
        self.type = type
        self.offset = offset
        self.infoOffset = infoOffset
    }

    /// A PyTorch-ordered shape ([out, in]) as GGUF dimensions.
    public init(name: String, pytorchShape: [Int], type: WeightType) {
        self.init(name: name, dimensions: pytorchShape.reversed(), type: type)
    }

    /// Values per row (the innermost dimension).
    public var columns: Int { dimensions.first ?? 1 }
    /// Rows: the product of the outer dimensions (1 for a vector).
    public var rows: Int { dimensions.dropFirst().reduce(1, *) }
    public var elementCount: Int { columns * rows }
    /// The shape in PyTorch order (outermost first).
    public var pytorchShape: [Int] { dimensions.reversed() }
    public var byteCount: Int { rows * type.rowBytes(columns: columns) }

    /// `{128, 4096}`: dimensions as llama.cpp prints them (ggml order).
    public var shapeText: String { Self.shapeText(dimensions) }

    static func shapeText(_ dimensions: [Int]) -> String {
        "{" + dimensions.map(String.init).joined(separator: ", ") + "}"
    }
}

/// Fixed facts of the GGUF format.
public enum GGUFFormat {
    /// ggml's limit on tensor rank (`GGML_MAX_DIMS`).
    public static let maxDimensions = 4
    /// Tensor data alignment when `general.alignment` is absent (and what we write).
    public static let defaultAlignment = 32
    /// The version written: 3 (v2 has the same layout and is read too).
    public static let version: UInt32 = 3
    public static let magic: [UInt8] = Array("GGUF".utf8)
    public static let alignmentKey = "general.alignment"
}
