import CorpusIO

/// What a finished GGUF file holds.
public struct GGUFWriteSummary: Sendable, Equatable {
    public var path: String
    public var tensorCount: Int
    public var metadataCount: Int
    /// Size of the whole file.
    public var byteCount: Int
    /// Bytes of tensor data (without alignment padding).
    public var tensorBytes: Int
}

/// Writes a GGUF v3 file as a stream: the header (magic, version, tensor count, key-value count),
/// the metadata, the tensor infos, padding to `general.alignment`, then each tensor's data, each
/// starting at a multiple of the alignment. The caller declares every tensor up front (the header
/// comes first) and then hands over the data tensor by tensor, in declaration order and in as many
/// pieces as it likes, so a model is never held in memory as a whole file. The file is written under
/// a temporary name and renamed into place by `finish()`; a writer dropped before that leaves nothing.
public final class GGUFWriter {
    public let path: String
    public let alignment: Int
    /// The declared tensors with `offset` (from the start of the file) filled in.
    public private(set) var tensors: [GGUFTensorInfo]
    private let metadataCount: Int
    private let file: AtomicOutputFile
    private var current = 0
    private var writtenInCurrent = 0

    public init(path: String, metadata: GGUFMetadata, tensors: [GGUFTensorInfo],
                alignment: Int = GGUFFormat.defaultAlignment) throws {
        self.path = path
        self.alignment = alignment
        guard GGUFLayout.isPowerOfTwo(alignment), alignment <= Int(UInt32.max) else {
            throw GGUFError.key(GGUFFormat.alignmentKey, path: path, "alignment \(alignment) is not a power of two")
        }
        var metadata = metadata
        switch metadata[GGUFFormat.alignmentKey] {
        case nil: metadata[GGUFFormat.alignmentKey] = .uint32(UInt32(alignment))
        case .uint32(let value) where Int(value) == alignment: break
        case let other?:
            throw GGUFError.key(GGUFFormat.alignmentKey, path: path,
                                "is \(other.summary) (\(other.type)), the writer aligns to uint32 \(alignment)")
        }
        try Self.check(metadata, tensors: tensors, path: path)
        self.metadataCount = metadata.count

        var header = GGUFEncoder()
        header.bytes.append(contentsOf: GGUFFormat.magic)
        header.append(GGUFFormat.version)
        header.append(UInt64(tensors.count))
        header.append(UInt64(metadata.count))
        for (key, value) in metadata.entries {
            header.append(key)
            header.append(value)
        }
        var relative: [Int] = []
        var dataSize = 0
        for tensor in tensors {
            relative.append(dataSize)
            dataSize = GGUFLayout.aligned(dataSize + tensor.byteCount, alignment)
            header.append(tensor.name)
            header.append(UInt32(tensor.dimensions.count))
            for dimension in tensor.dimensions { header.append(Int64(dimension)) }
            header.append(tensor.type.ggmlType)
            header.append(UInt64(relative.last!))
        }
        header.pad(to: alignment)
        let dataStart = header.bytes.count
        self.tensors = zip(tensors, relative).map { tensor, offset in
            var placed = tensor
            placed.offset = dataStart + offset
            return placed
        }
        file = try AtomicOutputFile(path: path)
        try file.write(header.bytes)
        try skipEmptyTensors()
    }

    /// The tensor whose data comes next, nil when all are written.
    public var nextTensor: GGUFTensorInfo? { current < tensors.count ? tensors[current] : nil }

    /// Appends bytes of the current tensor's data; a tensor is done when all its bytes have come, and
    /// the next one starts at the next aligned offset.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        guard let tensor = nextTensor else {
            throw GGUFError(path: path, message: "\(bytes.count) bytes of tensor data after the last tensor")
        }
        let remaining = tensor.byteCount - writtenInCurrent
        guard bytes.count <= remaining else {
            throw GGUFError.tensor(tensor.name, path: path, "\(bytes.count) bytes given, only \(remaining) of its "
                + "\(tensor.byteCount) remain (\(tensor.shapeText) \(tensor.type.rawValue))")
        }
        try file.write(bytes)
        writtenInCurrent += bytes.count
        if writtenInCurrent == tensor.byteCount {
            try file.write([UInt8](repeating: 0, count: GGUFLayout.padding(file.bytesWritten, alignment)))
            current += 1
            writtenInCurrent = 0
            try skipEmptyTensors()
        }
    }

    /// Appends whole rows of the current tensor from f32 values, converted to its type (ggml's exact
    /// f16 and q8_0 encodings) a slice at a time, so the converted tensor is never held at once.
    public func writeRows(_ values: UnsafeBufferPointer<Float>) throws {
        guard let tensor = nextTensor else {
            throw GGUFError(path: path, message: "\(values.count) values of tensor data after the last tensor")
        }
        let columns = tensor.columns
        guard columns > 0, values.count % columns == 0 else {
            throw GGUFError.tensor(tensor.name, path: path, "\(values.count) values are not whole rows of \(columns)")
        }
        let rowBytes = tensor.type.rowBytes(columns: columns)
        let rows = values.count / columns
        guard rows * rowBytes <= tensor.byteCount - writtenInCurrent else {
            throw GGUFError.tensor(tensor.name, path: path, "\(rows) rows given, only "
                + "\((tensor.byteCount - writtenInCurrent) / rowBytes) of its \(tensor.rows) remain")
        }
        guard let base = values.baseAddress else { return }
        if tensor.type == .f32 {
            try write(UnsafeRawBufferPointer(values))
            return
        }
        let rowsPerSlice = max(1, (1 << 20) / rowBytes)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: min(rows, rowsPerSlice) * rowBytes, alignment: 64)
        defer { scratch.deallocate() }
        var row = 0
        while row < rows {
            let count = min(rowsPerSlice, rows - row)
            for r in 0..<count {
                WeightConversion.encode(base + (row + r) * columns, count: columns, as: tensor.type,
                                        into: scratch + r * rowBytes)
            }
            try write(UnsafeRawBufferPointer(start: scratch, count: count * rowBytes))
            row += count
        }
    }

    /// Syncs and renames the file into place, after checking that every tensor got all its data.
    @discardableResult
    public func finish() throws -> GGUFWriteSummary {
        if let tensor = nextTensor {
            throw GGUFError.tensor(tensor.name, path: path, "only \(writtenInCurrent) of its \(tensor.byteCount) bytes "
                + "were written (and \(tensors.count - current - 1) tensors after it)")
        }
        let size = file.bytesWritten
        try file.commit()
        return GGUFWriteSummary(path: path, tensorCount: tensors.count, metadataCount: metadataCount, byteCount: size,
                                tensorBytes: tensors.reduce(0) { $0 + $1.byteCount })
    }

    private func skipEmptyTensors() throws {
        while let tensor = nextTensor, tensor.byteCount == 0 { current += 1 }
    }

    /// What llama.cpp's loader would refuse is refused here, before anything is written.
    private static func check(_ metadata: GGUFMetadata, tensors: [GGUFTensorInfo], path: String) throws(GGUFError) {
        for (key, value) in metadata.entries {
            if key.isEmpty { throw GGUFError(path: path, message: "a metadata key is empty") }
            if case .array(let array) = value, array.count > Int(UInt32.max) {
                throw GGUFError.key(key, path: path, "array of \(array.count) elements is too long")
            }
        }
        var names = Set<String>()
        for tensor in tensors {
            guard !tensor.name.isEmpty else { throw GGUFError(path: path, message: "a tensor name is empty") }
            guard names.insert(tensor.name).inserted else {
                throw GGUFError.tensor(tensor.name, path: path, "declared twice")
            }
            guard (1...GGUFFormat.maxDimensions).contains(tensor.dimensions.count) else {
                throw GGUFError.tensor(tensor.name, path: path,
                                       "has \(tensor.dimensions.count) dimensions, ggml allows 1 to \(GGUFFormat.maxDimensions)")
            }
            guard tensor.dimensions.allSatisfy({ $0 >= 0 }) else {
                throw GGUFError.tensor(tensor.name, path: path, "has a negative dimension \(tensor.shapeText)")
            }
            guard tensor.columns % tensor.type.blockSize == 0 else {
                throw GGUFError.tensor(tensor.name, path: path, "rows of \(tensor.columns) values are not whole "
                    + "\(tensor.type.rawValue) blocks of \(tensor.type.blockSize)")
            }
        }
    }
}
