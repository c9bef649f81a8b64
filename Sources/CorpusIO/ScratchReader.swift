
/// Reads a scratch file of the clustering, counting and packing sorts front to back, a record at a time, through
/// one buffer: `next(count)` hands out the next `count` bytes without copying them when they are already
/// buffered. Used for sort runs, edge lists and label files.
public final class ScratchReader {
    private let reader: PlainFileReader
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    /// Bytes handed out so far (the offset in messages).
    public private(set) var consumed = 0

    public init(path: String, bufferBytes: Int = 1 << 16) throws {
        reader = try PlainFileReader(path: path)
        buffer = [UInt8](repeating: 0, count: bufferBytes)
    }

    public var path: String { reader.path }

    /// Calls `body` with the next `count` bytes (valid during the call); nil at the end of the file.
    /// A file that ends inside the `count` bytes is corrupt.
    public func next<Result>(_ count: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result? {
        while end - start < count {
            if start > 0 {
                // Keep the partial record, then fill behind it.
                buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: end - start) }
                end -= start
                start = 0
            }
            if buffer.count < count { buffer += [UInt8](repeating: 0, count: count - buffer.count) }
            let got = try buffer.withUnsafeMutableBytes { try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
            if got == 0 {
                guard end == start else {
                    throw CorruptInputError(path: reader.path, offset: consumed + (end - start),
                                            message: "the file ends inside a record of \(count) bytes")
                }
                return nil
            }
            end += got
        }
        defer {
            start += count
            consumed += count
        }
        return try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
    }
}
