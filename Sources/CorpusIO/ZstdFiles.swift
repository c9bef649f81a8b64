/// A `.zst` file written through a temporary name: compressed as bytes arrive, renamed on `commit()`.
public final class ZstdFileWriter {
    private let file: AtomicOutputFile
    private let compressor: ZstdCompressor
    /// Uncompressed bytes written.
    public private(set) var bytesIn = 0

    public init(path: String, level: Int32 = 3) throws {
        file = try AtomicOutputFile(path: path)
        compressor = try ZstdCompressor(level: level)
    }

    public var path: String { file.path }
    public var compressedBytes: Int { file.bytesWritten }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        bytesIn += bytes.count
        try compressor.compress(bytes) { try file.write($0) }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func commit() throws {
        try compressor.finish { try file.write($0) }
        try file.commit()
    }
}

/// A decoding failure at a byte offset of a named file.
public struct CorruptInputError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let offset: Int
    public let message: String
    public var description: String { "\(path): byte \(offset): \(message)" }

    public init(path: String, offset: Int, message: String) {
        self.path = path
        self.offset = offset
        self.message = message
    }
}

/// Reads the lines of a `.zst` (or plain) file, streaming: memory stays at one chunk plus one line.
public enum ZstdLineReader {
    /// Calls `body` with each line and the offset of its first byte in the decompressed stream.
    /// A corrupt or truncated zstd stream throws `CorruptInputError` naming the compressed offset.
    public static func forEachLine(path: String, maxLineBytes: Int = .max,
                                   _ body: (LineSplitter.Line) throws -> Void) throws {
        var splitter = LineSplitter(maxLineBytes: maxLineBytes)
        if path.hasSuffix(".zst") {
            let decompressor = try ZstdDecompressor()
            var compressedOffset = 0
            try FileInput.readChunks(path: path) { chunk in
                do {
                    try decompressor.decompress(chunk) { try splitter.feed($0, body) }
                } catch let error as ZstdError {
                    throw CorruptInputError(path: path, offset: compressedOffset, message: error.description)
                }
                compressedOffset += chunk.count
            }
            if decompressor.insideFrame {
                throw CorruptInputError(path: path, offset: compressedOffset, message: "zstd: truncated frame")
            }
        } else {
            try FileInput.readChunks(path: path) { try splitter.feed($0, body) }
        }
        try splitter.finish(body)
    }
}
