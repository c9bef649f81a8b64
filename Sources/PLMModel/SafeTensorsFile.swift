import CorpusIO
import Foundation

/// One tensor listed in a safetensors header.
public struct SafeTensorsEntry: Sendable, Equatable {
    public var name: String
    public var dtype: String
    public var shape: [Int]
    /// Byte range inside the data section (after the header).
    public var dataStart: Int
    public var dataEnd: Int
    public var count: Int { shape.reduce(1, *) }
}

/// A safetensors file opened for reading: the header is parsed and checked up front; tensor data is
/// read on demand straight into the caller's buffer, so a multi-gigabyte checkpoint never sits in
/// memory twice.
///
/// Format (Hugging Face safetensors): u64 little-endian header length N, N bytes of JSON
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}` padded with
/// spaces to a multiple of 8, then the data section; offsets are relative to the data section.
public final class SafeTensorsFile {
    public let path: String
    /// Tensors in the order of their data offsets.
    public let entries: [SafeTensorsEntry]
    public let metadata: [String: String]
    private let dataOffset: Int
    private let handle: FileHandle

    /// Headers above this size are refused: real ones for thousands of tensors are a few hundred KiB.
    static let headerLimit = 100 << 20

    public init(path: String) throws(SafeTensorsError) {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SafeTensorsError(path: path, message: "cannot open for reading")
        }
        self.handle = handle
        let fileSize: Int
        do { fileSize = Int(try handle.seekToEnd()); try handle.seek(toOffset: 0) } catch {
            throw SafeTensorsError(path: path, message: "cannot read: \(error)")
        }
        guard fileSize >= 8, let lengthBytes = try? handle.read(upToCount: 8), lengthBytes.count == 8 else {
            throw SafeTensorsError(path: path, message: "too short for a safetensors header (\(fileSize) bytes)")
        }
        let headerLength = lengthBytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        guard headerLength >= 2, headerLength <= Self.headerLimit, 8 + headerLength <= fileSize else {
            throw SafeTensorsError(path: path, message: "header length \(headerLength) is impossible for a file of "
                + "\(fileSize) bytes")
        }
        guard let headerBytes = try? handle.read(upToCount: headerLength), headerBytes.count == headerLength else {
            throw SafeTensorsError(path: path, message: "header cut short")
        }
        dataOffset = 8 + headerLength
        (entries, metadata) = try Self.parseHeader(headerBytes, path: path, dataSize: fileSize - dataOffset)
    }

    deinit { try? handle.close() }

    public func entry(named name: String) -> SafeTensorsEntry? { entries.first { $0.name == name } }

    /// Reads tensor `entry` (F32) into `destination`, which must hold exactly its element count.
    public func read(_ entry: SafeTensorsEntry, into destination: UnsafeMutableBufferPointer<Float>) throws(SafeTensorsError) {
        guard entry.dtype == "F32" else {
            throw SafeTensorsError(path: path, message: "tensor '\(entry.name)' has dtype \(entry.dtype); only F32 is read")
        }
        precondition(destination.count == entry.count, "destination size differs from the tensor's")
        let bytes = entry.dataEnd - entry.dataStart
        guard bytes > 0 else { return }
        let data: Data
        do {
            try handle.seek(toOffset: UInt64(dataOffset + entry.dataStart))
            data = try handle.read(upToCount: bytes) ?? Data()
        } catch {
            throw SafeTensorsError(path: path, message: "cannot read tensor '\(entry.name)': \(error)")
        }
        guard data.count == bytes else {
            throw SafeTensorsError(path: path, message: "tensor '\(entry.name)' is cut short (\(data.count) of \(bytes) bytes)")
        }
        data.withUnsafeBytes { raw in
            UnsafeMutableRawBufferPointer(destination).copyMemory(from: raw)
        }
        #if _endian(big)
        for i in destination.indices { destination[i] = Float(bitPattern: UInt32(littleEndian: destination[i].bitPattern)) }
        #endif
    }

    /// Reads every expected tensor into its buffer after checking that the file holds exactly these
    /// tensors with these shapes: a missing, extra or misshaped tensor is an error naming it (and
    /// both shapes), raised before anything is read.
    public func readAll(_ expected: [(name: String, shape: [Int], destination: UnsafeMutableBufferPointer<Float>)])
        throws(SafeTensorsError) {
        var byName: [String: SafeTensorsEntry] = [:]
        for entry in entries { byName[entry.name] = entry }
        let expectedNames = Set(expected.map(\.name))
        for item in expected {
            guard let entry = byName[item.name] else {
                throw SafeTensorsError.missing(path, tensor: item.name, expected: item.shape)
            }
            guard entry.shape == item.shape else {
                throw SafeTensorsError.misshaped(path, tensor: item.name, expected: item.shape, found: entry.shape)
            }
        }
        if let extra = entries.first(where: { !expectedNames.contains($0.name) }) {
            throw SafeTensorsError.unexpected(path, tensor: extra.name, shape: extra.shape)
        }
        for item in expected { try read(byName[item.name]!, into: item.destination) }
    }

    // MARK: Header

    static let dtypeSizes = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
                             "U8": 1, "BOOL": 1, "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1]

    static func parseHeader(_ bytes: Data, path: String, dataSize: Int)
        throws(SafeTensorsError) -> ([SafeTensorsEntry], [String: String]) {
        func bad(_ message: String) -> SafeTensorsError { SafeTensorsError(path: path, message: "header: " + message) }
        guard let object = try? JSONSerialization.jsonObject(with: bytes), let top = object as? [String: Any] else {
            throw bad("not a JSON object")
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
                throw bad("tensor '\(name)' needs dtype, shape and data_offsets [begin, end]")
            }
            let shape = shapeValues.map(\.intValue)
            guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("tensor '\(name)' has a negative dimension") }
            guard let size = dtypeSizes[dtype] else { throw bad("tensor '\(name)' has unknown dtype '\(dtype)'") }
            let begin = offsetValues[0].intValue, end = offsetValues[1].intValue
            let entry = SafeTensorsEntry(name: name, dtype: dtype, shape: shape, dataStart: begin, dataEnd: end)
            guard begin >= 0, end >= begin, end <= dataSize else {
                throw bad("tensor '\(name)' has data_offsets [\(begin), \(end)] outside the \(dataSize)-byte data section")
            }
            guard end - begin == entry.count * size else {
                throw bad("tensor '\(name)' holds \(end - begin) bytes, its shape \(SafeTensorsError.shapeText(shape)) "
                    + "of \(dtype) needs \(entry.count * size)")
            }
            entries.append(entry)
        }
        entries.sort { ($0.dataStart, $0.dataEnd) < ($1.dataStart, $1.dataEnd) }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.dataStart < previous.dataEnd {
            throw bad("tensors '\(previous.name)' and '\(next.name)' overlap")
        }
        return (entries, metadata)
    }
}

/// Writes F32 tensors as a safetensors file, in the order given, under a temporary name renamed into
/// place when complete.
public enum SafeTensorsWriter {
    public static func write(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                             metadata: [String: String] = ["format": "pt"], to path: String) throws {
        var header = "{"
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            header += "\"__metadata__\":{" + pairs.joined(separator: ",") + "}"
        }
        var offset = 0
        for tensor in tensors {
            precondition(tensor.values.count == tensor.shape.reduce(1, *), "tensor \(tensor.name): values differ from shape")
            let bytes = tensor.values.count * 4
            if header.count > 1 { header += "," }
            header += "\(jsonString(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
                + "\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        let file = try AtomicOutputFile(path: path)
        var length = UInt64(headerBytes.count).littleEndian
        try withUnsafeBytes(of: &length) { try file.write($0) }
        try file.write(headerBytes)
        for tensor in tensors {
            #if _endian(big)
            let swapped = tensor.values.map { Float(bitPattern: $0.bitPattern.littleEndian) }
            try swapped.withUnsafeBytes { try file.write($0) }
            #else
            try file.write(UnsafeRawBufferPointer(tensor.values))
            #endif
        }
        try file.commit()
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
