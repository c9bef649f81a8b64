/// A safetensors file opened for reading: the file is mapped, the header parsed and checked up front
/// (`SafeTensorsHeader`); tensor data is handed out in place (`rawBytes`, `mappedFloats`) or converted
/// to f32 straight into the caller's buffer (`read`), so a multi-gigabyte checkpoint never sits in
/// memory twice.
///
/// `@unchecked Sendable`: every stored property is a constant and the mapping is read-only, so tensors
/// may be read from several threads at once.
public final class SafeTensorsFile: @unchecked Sendable {
    public let path: String
    /// Tensors in the order of their data offsets.
    public let entries: [SafeTensorsEntry]
    public let metadata: [String: String]
    /// Where the data section starts in the file (8 + the header's length).
    public let dataOffset: Int
    /// The file's length in bytes.
    public var fileSize: Int { mapping.byteCount }
    private let mapping: FileMapping
    private let indexByName: [String: Int]

    public init(path: String) throws(SafeTensorsError) {
        self.path = path
        mapping = try FileMapping(path: path)
        let fileSize = mapping.byteCount
        guard fileSize >= 8 else {
            throw SafeTensorsError(path: path, message: "too short for a safetensors header (\(fileSize) bytes)")
        }
        let headerLength = Int(truncatingIfNeeded: UInt64(littleEndian: mapping.bytes(0..<8).loadUnaligned(as: UInt64.self)))
        guard headerLength >= 2, headerLength <= SafeTensorsHeader.limit, 8 + headerLength <= fileSize else {
            throw SafeTensorsError(path: path, message: "header length \(headerLength) is impossible for a file of "
                + "\(fileSize) bytes", byteOffset: 0)
        }
        dataOffset = 8 + headerLength
        (entries, metadata) = try SafeTensorsHeader.parse(mapping.bytes(8..<dataOffset), path: path,
                                                          dataOffset: dataOffset, fileSize: fileSize)
        var indexByName: [String: Int] = [:]
        for (index, entry) in entries.enumerated() { indexByName[entry.name] = index }
        self.indexByName = indexByName
    }

    public func entry(named name: String) -> SafeTensorsEntry? { indexByName[name].map { entries[$0] } }

    /// Where the tensor's data starts in the file.
    public func fileOffset(of entry: SafeTensorsEntry) -> Int { dataOffset + entry.dataStart }

    /// The tensor's bytes as stored (little-endian elements of `entry.dtype`), inside the mapping: valid
    /// while this object is alive, which whoever keeps the pointer must ensure.
    public func rawBytes(_ entry: SafeTensorsEntry) -> UnsafeRawBufferPointer {
        mapping.bytes(fileOffset(of: entry)..<fileOffset(of: entry) + entry.byteCount)
    }

    /// The tensor's values in place, without a copy, when it is F32 and its data is 4-byte aligned in
    /// memory (always so in files from our writer and from Hugging Face's); nil otherwise, when the
    /// caller must `read` it. Valid while this object is alive.
    public func mappedFloats(_ entry: SafeTensorsEntry) -> UnsafeBufferPointer<Float>? {
        #if _endian(little)
        guard entry.floatType == .f32 else { return nil }
        let raw = rawBytes(entry)
        guard let start = raw.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        guard Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 else { return nil }
        return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: entry.count)
        #else
        return nil
        #endif
    }

    /// Reads tensor `entry` (F32, F16 or BF16) converted to f32 into `destination`, which must hold
    /// exactly its element count. Other dtypes are an error naming the tensor and its dtype.
    public func read(_ entry: SafeTensorsEntry, into destination: UnsafeMutableBufferPointer<Float>) throws(SafeTensorsError) {
        guard let type = entry.floatType else {
            throw SafeTensorsError.unreadableType(path, tensor: entry.name, dtype: entry.dtype, byteOffset: fileOffset(of: entry))
        }
        precondition(destination.count == entry.count, "destination size differs from the tensor's")
        guard let source = rawBytes(entry).baseAddress, let target = destination.baseAddress else { return }
        type.toFloat(source, count: entry.count, into: target)
    }

    /// Reads every expected tensor into its buffer after checking that the file holds exactly these
    /// tensors with these shapes: a missing, extra or misshaped tensor is an error naming it (and
    /// both shapes), raised before anything is read.
    public func readAll(_ expected: [(name: String, shape: [Int], destination: UnsafeMutableBufferPointer<Float>)])
        throws(SafeTensorsError) {
        let expectedNames = Set(expected.map(\.name))
        for item in expected {
            guard let entry = entry(named: item.name) else {
                throw SafeTensorsError.missing(path, tensor: item.name, expected: item.shape)
            }
            guard entry.shape == item.shape else {
                throw SafeTensorsError.misshaped(path, tensor: item.name, expected: item.shape, found: entry.shape)
            }
            guard entry.floatType != nil else {
                throw SafeTensorsError.unreadableType(path, tensor: entry.name, dtype: entry.dtype,
                                                      byteOffset: fileOffset(of: entry))
            }
        }
        if let extra = entries.first(where: { !expectedNames.contains($0.name) }) {
            throw SafeTensorsError.unexpected(path, tensor: extra.name, shape: extra.shape)
        }
        for item in expected { try read(entry(named: item.name)!, into: item.destination) }
    }
}
