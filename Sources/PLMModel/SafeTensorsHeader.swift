import Foundation

/// One tensor listed in a safetensors header.
public struct SafeTensorsEntry: Sendable, Equatable {
    public var name: String
    /// The dtype as the header spells it ("F32", "BF16", "I8" ...).
    public var dtype: String
    public var shape: [Int]
    /// Byte range inside the data section (after the header).
    public var dataStart: Int
    public var dataEnd: Int
    public var count: Int { shape.reduce(1, *) }
    /// The element type when it is one we read, nil for the others.
    public var floatType: SafeTensorsFloatType? { SafeTensorsFloatType(rawValue: dtype) }
    public var byteCount: Int { dataEnd - dataStart }
}

/// The safetensors header (Hugging Face's format): u64 little-endian header length N, N bytes of JSON
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}` padded with spaces,
/// then the data section; offsets are relative to the data section.
///
/// Checked as the reference implementation checks it (so a file we accept is one Hugging Face
/// accepts): every dtype is known, every tensor's byte count is its element count times its dtype's
/// size, and the tensors tile the data section exactly: no overlap, no gap, nothing after the last
/// tensor (the format forbids unindexed bytes, so that a file cannot hide a second payload).
enum SafeTensorsHeader {
    static let dtypeSizes = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
                             "U8": 1, "BOOL": 1, "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1]

    /// Headers above this size are refused: real ones for thousands of tensors are a few hundred KiB.
    static let limit = 100 << 20

    /// Entries in data order and the metadata. `dataOffset` is where the data section starts in the
    /// file, `fileSize` the file's length: errors give byte offsets in the file.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, dataOffset: Int, fileSize: Int)
        throws(SafeTensorsError) -> (entries: [SafeTensorsEntry], metadata: [String: String]) {
        func bad(_ message: String, tensor: String? = nil, at offset: Int? = nil) -> SafeTensorsError {
            SafeTensorsError(path: path, message: "header: " + message, tensor: tensor, byteOffset: offset)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)), let top = object as? [String: Any] else {
            throw bad("not a JSON object", at: 8)
        }
        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        for (name, value) in top {
            if name == "__metadata__" {
                guard let map = value as? [String: String] else { throw bad("__metadata__ must map strings to strings") }
                metadata = map
                continue
            }
            guard let info = value as? [String: Any],
                  let dtype = info["dtype"] as? String,
                  let shapeValues = info["shape"] as? [NSNumber],
                  let offsetValues = info["data_offsets"] as? [NSNumber], offsetValues.count == 2 else {
                throw bad("tensor '\(name)' needs dtype, shape and data_offsets [begin, end]", tensor: name)
            }
            let shape = shapeValues.map(\.intValue)
            guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("tensor '\(name)' has a negative dimension", tensor: name) }
            guard let size = dtypeSizes[dtype] else {
                throw bad("tensor '\(name)' has unknown dtype '\(dtype)'", tensor: name)
            }
            let begin = offsetValues[0].intValue, end = offsetValues[1].intValue
            let entry = SafeTensorsEntry(name: name, dtype: dtype, shape: shape, dataStart: begin, dataEnd: end)
            guard begin >= 0, end >= begin else {
                throw bad("tensor '\(name)' has data_offsets [\(begin), \(end)], which run backwards", tensor: name)
            }
            let (elements, overflow) = shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            guard !overflow, end - begin == elements * size else {
                throw bad("tensor '\(name)' holds \(end - begin) bytes, its shape \(SafeTensorsError.shapeText(shape)) "
                    + "of \(dtype) needs \(overflow ? "more than can be addressed" : String(elements * size))",
                    tensor: name, at: dataOffset + begin)
            }
            entries.append(entry)
        }
        entries.sort { ($0.dataStart, $0.dataEnd, $0.name) < ($1.dataStart, $1.dataEnd, $1.name) }
        try checkTiling(entries, path: path, dataOffset: dataOffset, fileSize: fileSize)
        return (entries, metadata)
    }

    /// The tensors, in data order, must cover the data section exactly, each starting where the one
    /// before ends. A tensor reaching past the end of the file is reported as cut off (the usual sign
    /// of a truncated download or copy), with the file offsets of its data.
    private static func checkTiling(_ entries: [SafeTensorsEntry], path: String, dataOffset: Int, fileSize: Int)
        throws(SafeTensorsError) {
        let dataSize = fileSize - dataOffset
        var covered = 0
        var previous: SafeTensorsEntry?
        for entry in entries {
            if entry.dataStart < covered, let previous {
                throw SafeTensorsError(
                    path: path, message: "header: tensors '\(previous.name)' (data_offsets [\(previous.dataStart), "
                        + "\(previous.dataEnd)]) and '\(entry.name)' ([\(entry.dataStart), \(entry.dataEnd)]) overlap "
                        + "from file byte \(dataOffset + entry.dataStart)",
                    tensor: entry.name, byteOffset: dataOffset + entry.dataStart)
            }
            if entry.dataStart > covered {
                let after = previous.map { "after tensor '\($0.name)'" } ?? "at the start of the data section"
                throw SafeTensorsError(
                    path: path, message: "header: \(entry.dataStart - covered) bytes \(after) belong to no tensor "
                        + "(file bytes \(dataOffset + covered)..<\(dataOffset + entry.dataStart), before '\(entry.name)')",
                    tensor: entry.name, byteOffset: dataOffset + covered)
            }
            if entry.dataEnd > dataSize {
                throw SafeTensorsError(
                    path: path, message: "tensor '\(entry.name)' is cut off: its data_offsets [\(entry.dataStart), "
                        + "\(entry.dataEnd)] lie outside the \(dataSize)-byte data section (its data starts at file byte "
                        + "\(dataOffset + entry.dataStart) and needs \(entry.byteCount) bytes, the file ends at byte "
                        + "\(fileSize))",
                    tensor: entry.name, byteOffset: dataOffset + entry.dataStart)
            }
            covered = entry.dataEnd
            previous = entry
        }
        if covered < dataSize {
            let after = previous.map { "after the last tensor ('\($0.name)')" } ?? "in a file with no tensors"
            throw SafeTensorsError(
                path: path, message: "header: \(dataSize - covered) bytes \(after) belong to no tensor (file bytes "
                    + "\(dataOffset + covered)..<\(fileSize))",
                tensor: previous?.name, byteOffset: dataOffset + covered)
        }
    }
}
