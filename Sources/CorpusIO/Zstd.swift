import CZstd

/// A zstd failure, with libzstd's own message (`ZSTD_getErrorName`).
public struct ZstdError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { "zstd: \(message)" }

    /// Turns a libzstd return code into a thrown error; passes other values through.
    @discardableResult
    static func check(_ code: Int) throws(ZstdError) -> Int {
        if ZSTD_isError(code) != 0 {
            throw ZstdError(message: String(cString: ZSTD_getErrorName(code)))
        }
        return code
    }
}

/// Streaming zstd compression into a byte sink. Owns one `ZSTD_CCtx`.
public final class ZstdCompressor {
    private let context: OpaquePointer
    private var output: [UInt8]

    /// - Parameters:
    ///   - level: zstd level (3 is zstd's default).
    ///   - pledgedSize: when known, written into the frame header (MDS readers need it).
    public init(level: Int32 = 3, pledgedSize: UInt64? = nil) throws(ZstdError) {
        guard let context = ZSTD_createCCtx() else { throw ZstdError(message: "cannot allocate a compression context") }
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        try ZstdError.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
        try ZstdError.check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
        if let pledgedSize { try ZstdError.check(ZSTD_CCtx_setPledgedSrcSize(context, pledgedSize)) }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `input`, handing finished compressed bytes to `sink` as they are produced.
    public func compress(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try drive(input, directive: ZSTD_e_continue, sink: sink)
    }

    /// Ends the frame and flushes everything still buffered.
    public func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try drive(UnsafeRawBufferPointer(start: nil, count: 0), directive: ZSTD_e_end, sink: sink)
    }

    private func drive(_ input: UnsafeRawBufferPointer, directive: ZSTD_EndDirective,
                       sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let capacity = output.count
        try output.withUnsafeMutableBytes { out in
            while true {
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: capacity, pos: 0)
                let remaining = try ZstdError.check(ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive))
                if outBuffer.pos > 0 { try sink(UnsafeRawBufferPointer(start: out.baseAddress, count: outBuffer.pos)) }
                let done = directive == ZSTD_e_end ? remaining == 0 : inBuffer.pos == inBuffer.size
                if done { break }
            }
        }
    }

    /// One frame holding all of `input`, with its content size and a checksum.
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 3) throws -> [UInt8] {
        try compress(parts: [input], level: level)
    }

    /// One frame holding `parts` as one byte string, with its content size and a checksum,
    /// compressed straight into the result (no staging copy, no zero-filling of the bound).
    public static func compress(parts: [UnsafeRawBufferPointer], level: Int32 = 3) throws -> [UInt8] {
        let total = parts.reduce(0) { $0 + $1.count }
        let compressor = try ZstdCompressor(level: level, pledgedSize: UInt64(total))
        let bound = ZSTD_compressBound(total)
        let inputs = parts.isEmpty ? [UnsafeRawBufferPointer(start: nil, count: 0)] : parts
        return try [UInt8](unsafeUninitializedCapacity: bound) { out, written in
            var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: bound, pos: 0)
            for (number, part) in inputs.enumerated() {
                let last = number == inputs.count - 1
                var inBuffer = ZSTD_inBuffer(src: part.baseAddress, size: part.count, pos: 0)
                while true {
                    let remaining = try ZstdError.check(ZSTD_compressStream2(
                        compressor.context, &outBuffer, &inBuffer, last ? ZSTD_e_end : ZSTD_e_continue))
                    if last ? remaining == 0 : inBuffer.pos == inBuffer.size { break }
                }
            }
            written = outBuffer.pos
        }
    }
}

/// Streaming zstd decompression from a byte source. Owns one `ZSTD_DCtx`.
public final class ZstdDecompressor {
    private let context: OpaquePointer
    private var output: [UInt8]
    /// True between the first input byte of a frame and that frame's end: EOF here means truncation.
    public private(set) var insideFrame = false

    public init() throws(ZstdError) {
        guard let context = ZSTD_createDCtx() else { throw ZstdError(message: "cannot allocate a decompression context") }
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses a chunk of compressed input (any split of the stream, several frames allowed).
    public func decompress(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let capacity = output.count
        try output.withUnsafeMutableBytes { out in
            while inBuffer.pos < inBuffer.size || insideFrame {
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: capacity, pos: 0)
                let hint = try ZstdError.check(ZSTD_decompressStream(context, &outBuffer, &inBuffer))
                insideFrame = hint != 0
                if outBuffer.pos > 0 { try sink(UnsafeRawBufferPointer(start: out.baseAddress, count: outBuffer.pos)) }
                // No progress possible without more input: return and wait for the next chunk.
                if outBuffer.pos < capacity && inBuffer.pos == inBuffer.size { break }
            }
        }
    }

    /// One-shot decompression of a whole buffer.
    public static func decompress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let decompressor = try ZstdDecompressor()
        var result: [UInt8] = []
        try decompressor.decompress(input) { result.append(contentsOf: $0) }
        if decompressor.insideFrame { throw ZstdError(message: "truncated frame") }
        return result
    }
}
