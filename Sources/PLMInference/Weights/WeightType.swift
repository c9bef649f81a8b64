/// How the engine stores a weight matrix: the three types of llama.cpp's (ggml's) that we read, write
/// and run. Rows are stored one after another; a row of `columns` values is `rowBytes(columns:)` bytes.
public enum WeightType: String, CaseIterable, Sendable, Codable {
    /// 32-bit floats.
    case f32
    /// IEEE half floats (round to nearest even from f32).
    case f16
    /// ggml's `q8_0`: blocks of 32 values, each block an f16 scale d then 32 int8 q, value = d * q.
    case q8_0

    /// ggml's type id, as written in GGUF tensor infos.
    public var ggmlType: UInt32 {
        switch self {
        case .f32: 0
        case .f16: 1
        case .q8_0: 8
        }
    }

    /// The type with this ggml id, nil for types we do not run.
    public init?(ggmlType: UInt32) {
        guard let type = Self.allCases.first(where: { $0.ggmlType == ggmlType }) else { return nil }
        self = type
    }

    /// Values per block (a row's length must be a multiple of it).
    public var blockSize: Int { self == .q8_0 ? Q8_0.blockValues : 1 }

    /// Bytes per block.
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16: 2
        case .q8_0: Q8_0.blockBytes
        }
    }

    /// Bytes of one row of `columns` values (`columns` a multiple of `blockSize`).
    public func rowBytes(columns: Int) -> Int {
        precondition(columns % blockSize == 0, "\(columns) columns is not a whole number of \(rawValue) blocks")
        return columns / blockSize * blockBytes
    }

    /// Bits per weight, for memory figures (8.5 for q8_0).
    public var bitsPerWeight: Double { Double(blockBytes * 8) / Double(blockSize) }
}

/// The q8_0 block layout (ggml's `block_q8_0`): 2 bytes of f16 scale, then 32 signed bytes.
public enum Q8_0 {
    public static let blockValues = 32
    public static let blockBytes = 34
}

extension WeightType {
    /// The type a matrix with rows of `columns` values is stored in when `self` is asked for: q8_0 needs
    /// whole blocks of 32, so a matrix whose rows are not falls back to f16 (as llama.cpp's quantizer does).
    public func forMatrix(columns: Int) -> WeightType {
        self == .q8_0 && columns % Q8_0.blockValues != 0 ? .f16 : self
    }
}
