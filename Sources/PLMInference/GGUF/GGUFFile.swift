#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A GGUF file opened for reading: the file is mapped, the header parsed and checked up front, and
/// tensor data is used in place (`matrix(_:)` points into the mapping, which is unmapped when the last
/// matrix and this object are gone).
///
/// The parse is strict: a wrong magic or version, a count or string length that runs past the end, an
/// unknown value type, a duplicate key or tensor, a bad `general.alignment`, a tensor type the engine
/// does not run, a row that is not whole blocks, a misaligned or overlapping tensor, or tensor data
/// outside the file are all errors naming the file, the byte offset and the key or tensor.
public final class GGUFFile: Sendable {
    public let path: String
    public let version: UInt32
    public let metadata: GGUFMetadata
    /// Where each key's entry starts in the file, for messages about its value.
    public let metadataOffsets: [String: Int]
    /// Tensors in header order, `offset` from the start of the file.
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Start of the tensor data section.
    public let dataOffset: Int
    public let byteCount: Int
    /// The mapped (or, for in-memory parses, allocated) bytes of the whole file.
    public let storage: WeightStorage
    private let tensorIndex: [String: Int]

    /// Maps and parses the file at `path`.
    public convenience init(path: String) throws(GGUFError) {
        try self.init(storage: try Self.map(path), path: path)
    }

    /// Parses a GGUF image already in memory (`storage.byteCount` bytes); `path` names it in errors.
    public init(storage: WeightStorage, path: String) throws(GGUFError) {
        self.path = path
        self.storage = storage
        self.byteCount = storage.byteCount
        var cursor = GGUFCursor(base: UnsafeRawPointer(storage.base), count: storage.byteCount, path: path)

        let magic = try cursor.bytes(4, nil, "the magic")
        guard Array(magic) == GGUFFormat.magic else {
            let shown = magic.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "?" }.joined()
            throw cursor.error(at: 0, nil, "not a GGUF file: magic '\(shown)', expected 'GGUF'")
        }
        version = try cursor.integer(UInt32.self, nil, "the version")
        guard version == 2 || version == 3 else {
            throw cursor.error(at: 4, nil, "GGUF version \(version); this reader reads versions 2 and 3 (little-endian)")
        }
        // The smallest tensor info: 8-byte name length + 1 byte, 4 (rank), 8 (one dimension), 4 (type), 8 (offset).
        let tensorCount = try cursor.count(nil, "the tensor count", minimumBytes: 33)
        // The smallest key-value: 8-byte key length + 1 byte, 4 (type), 1 (a uint8 value).
        let keyCount = try cursor.count(nil, "the key-value count", minimumBytes: 14)

        var metadata = GGUFMetadata()
        var offsets: [String: Int] = [:]
        for index in 0..<keyCount {
            let start = cursor.offset
            let key = try cursor.string(nil, "key \(index)")
            guard !key.isEmpty else { throw cursor.error(at: start, nil, "key \(index) is empty") }
            guard offsets[key] == nil else {
                throw cursor.error(at: start, "key '\(key)'", "appears twice (first at byte \(offsets[key]!))")
            }
            metadata[key] = try cursor.value("key '\(key)'")
            offsets[key] = start
        }
        self.metadata = metadata
        self.metadataOffsets = offsets

        alignment = try Self.alignment(metadata, offsets: offsets, path: path)

        var infos: [GGUFTensorInfo] = []
        var relativeOffsets: [UInt64] = []
        var index: [String: Int] = [:]
        infos.reserveCapacity(tensorCount)
        for number in 0..<tensorCount {
            let start = cursor.offset
            let name = try cursor.string(nil, "the name of tensor \(number)")
            let subject = "tensor '\(name)'"
            guard !name.isEmpty else { throw cursor.error(at: start, nil, "tensor \(number) has an empty name") }
            guard index[name] == nil else {
                throw cursor.error(at: start, subject, "appears twice (first at byte \(infos[index[name]!].infoOffset))")
            }
            let (info, relative) = try Self.tensorInfo(&cursor, name: name, start: start)
            index[name] = infos.count
            infos.append(info)
            relativeOffsets.append(relative)
        }
        tensorIndex = index
        dataOffset = GGUFLayout.aligned(cursor.offset, alignment)
        tensors = try Self.place(infos, relativeOffsets, dataOffset: dataOffset, alignment: alignment,
                                 fileSize: byteCount, path: path)
    }

    public func tensor(named name: String) -> GGUFTensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// The tensor's data in place, as a [rows, columns] matrix (columns: the innermost dimension).
    public func matrix(_ tensor: GGUFTensorInfo) -> WeightMatrix {
        WeightMatrix(type: tensor.type, rows: tensor.rows, columns: tensor.columns,
                     data: UnsafeRawPointer(storage.base) + tensor.offset, storage: storage)
    }

    // MARK: Parts of the parse

    private static func alignment(_ metadata: GGUFMetadata, offsets: [String: Int], path: String) throws(GGUFError) -> Int {
        guard let value = metadata[GGUFFormat.alignmentKey] else { return GGUFFormat.defaultAlignment }
        let key = GGUFFormat.alignmentKey, at = offsets[key]
        guard case .uint32(let alignment) = value else {
            throw GGUFError.key(key, path: path, offset: at, "is a \(value.type), llama.cpp requires a uint32")
        }
        guard GGUFLayout.isPowerOfTwo(Int(alignment)) else {
            throw GGUFError.key(key, path: path, offset: at, "\(alignment) is not a power of two")
        }
        return Int(alignment)
    }

    /// One tensor info after its name: rank, dimensions (innermost first), ggml type, data offset.
    private static func tensorInfo(_ cursor: inout GGUFCursor, name: String, start: Int)
        throws(GGUFError) -> (GGUFTensorInfo, UInt64) {
        let subject = "tensor '\(name)'"
        let rank = try cursor.integer(UInt32.self, subject, "the number of dimensions")
        guard (1...UInt32(GGUFFormat.maxDimensions)).contains(rank) else {
            throw cursor.error(at: start, subject, "has \(rank) dimensions, ggml allows 1 to \(GGUFFormat.maxDimensions)")
        }
        var dimensions: [Int] = []
        var elements = 1
        for axis in 0..<Int(rank) {
            let value = try cursor.integer(Int64.self, subject, "dimension \(axis)")
            guard value >= 0 else { throw cursor.error(at: start, subject, "dimension \(axis) is negative (\(value))") }
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(value))
            // Bounded so that the byte count (at most 4 bytes a value) cannot overflow either.
            guard !overflow, product <= Int.max / 8 else {
                throw cursor.error(at: start, subject, "has more elements than any file can hold")
            }
            elements = product
            dimensions.append(Int(value))
        }
        let typeID = try cursor.integer(UInt32.self, subject, "the ggml type")
        guard let type = WeightType(ggmlType: typeID) else {
            throw cursor.error(at: start, subject, "type \(GGMLTypeName.describe(typeID)) is not one the engine "
                + "runs (f32, f16, q8_0)")
        }
        guard dimensions[0] % type.blockSize == 0 else {
            throw cursor.error(at: start, subject, "rows of \(dimensions[0]) values are not whole \(type.rawValue) "
                + "blocks of \(type.blockSize)")
        }
        let relative = try cursor.integer(UInt64.self, subject, "the data offset")
        return (GGUFTensorInfo(name: name, dimensions: dimensions, type: type, infoOffset: start), relative)
    }

    /// Fills in absolute offsets after checking alignment, bounds (a cut-short file names the first
    /// tensor whose data it lacks) and overlaps.
    private static func place(_ infos: [GGUFTensorInfo], _ relative: [UInt64], dataOffset: Int, alignment: Int,
                              fileSize: Int, path: String) throws(GGUFError) -> [GGUFTensorInfo] {
        var placed = infos
        for i in placed.indices {
            let name = placed[i].name, at = placed[i].infoOffset
            guard relative[i] % UInt64(alignment) == 0 else {
                throw GGUFError.tensor(name, path: path, offset: at, "data offset \(relative[i]) is not a multiple of "
                    + "the alignment \(alignment)")
            }
            guard relative[i] <= UInt64(Int.max - dataOffset) else {
                throw GGUFError.tensor(name, path: path, offset: at, "data offset \(relative[i]) lies beyond any file")
            }
            placed[i].offset = dataOffset + Int(relative[i])
        }
        let order = placed.indices.sorted { placed[$0].offset < placed[$1].offset }
        for i in order {
            let tensor = placed[i]
            let (end, overflow) = tensor.offset.addingReportingOverflow(tensor.byteCount)
            guard !overflow, end <= fileSize else {
                throw GGUFError.tensor(tensor.name, path: path, offset: tensor.offset, "its data (\(tensor.byteCount) "
                    + "bytes of \(tensor.type.rawValue) \(tensor.shapeText)) runs past the end of the file at byte "
                    + "\(fileSize): the file is cut short")
            }
        }
        for (a, b) in zip(order, order.dropFirst()) where placed[b].offset < placed[a].offset + placed[a].byteCount {
            throw GGUFError.tensor(placed[b].name, path: path, offset: placed[b].offset, "its data overlaps tensor "
                + "'\(placed[a].name)' (bytes \(placed[a].offset)..<\(placed[a].offset + placed[a].byteCount))")
        }
        return placed
    }

    /// Maps the whole file read-only; the mapping lives as long as the returned storage.
    private static func map(_ path: String) throws(GGUFError) -> WeightStorage {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw GGUFError(path: path, message: "cannot open: \(errnoText())") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw GGUFError(path: path, message: "cannot stat: \(errnoText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw GGUFError(path: path, message: "not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else { throw GGUFError(path: path, offset: 0, message: "the file is empty, not a GGUF file") }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
              base != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw GGUFError(path: path, message: "cannot map \(size) bytes: \(errnoText())")
        }
        return WeightStorage(adopting: base, byteCount: size, release: { pointer, count in _ = munmap(pointer, count) })
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
