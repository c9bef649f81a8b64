import CorpusIO
import Foundation

/// An intermediate file that is missing, truncated or fails its checksum. Names the file and the
/// task that wrote it, whose completion marker has been removed so that a rerun rebuilds it.
public struct CorruptIntermediateError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let problem: String
    public let producer: String

    public var description: String {
        "\(path): \(problem). It was written by \(producer), which is now marked incomplete: rerun the same "
            + "command to rebuild it."
    }
}

/// Fixed-size binary records with a checksum, for the sorted intermediates of dedup:
/// `PLMREC1\0 | u32 record size | u32 0 | records... | u64 record count | u64 xxh3-64 of all before`.
/// Little-endian. Written under a temporary name and renamed when complete.
public final class RecordFileWriter {
    private let file: AtomicOutputFile
    private let checksum = XXH3Stream()
    public let recordSize: Int
    public private(set) var count = 0

    static let magic = Array("PLMREC1\0".utf8)

    public init(path: String, recordSize: Int) throws {
        self.recordSize = recordSize
        file = try AtomicOutputFile(path: path)
        var header = Self.magic
        header.appendLittleEndian(UInt32(recordSize))
        header.appendLittleEndian(UInt32(0))
        try put(header)
    }

    /// Appends one record (exactly `recordSize` bytes).
    public func append(_ record: UnsafeRawBufferPointer) throws {
        precondition(record.count == recordSize)
        checksum.update(record)
        try file.write(record)
        count += 1
    }

    public func commit() throws {
        var trailer: [UInt8] = []
        trailer.appendLittleEndian(UInt64(count))
        trailer.withUnsafeBytes { checksum.update($0) }
        trailer.appendLittleEndian(checksum.digest)
        try file.write(trailer)
        try file.commit()
    }

    private func put(_ bytes: [UInt8]) throws {
        bytes.withUnsafeBytes { checksum.update($0) }
        try file.write(bytes)
    }
}

/// Streams the records of a `RecordFileWriter` file, verifying size, count and checksum; any
/// damage is a `CorruptIntermediateError`. Memory: one read buffer.
public final class RecordFileReader {
    public let path: String
    public let recordSize: Int
    public let count: Int
    private let producer: () -> Void
    private let producerName: String
    private let reader: PlainFileReader
    private let checksum = XXH3Stream()
    private var buffer: [UInt8]
    private var bufferStart = 0
    private var bufferEnd = 0
    private var delivered = 0

    /// - Parameters:
    ///   - producer: who wrote the file (for the message), and how to mark that task incomplete.
    ///   - bufferBytes: the read buffer (at least 16 records); a merge over many files gives each a smaller one.
    public init(path: String, recordSize: Int, producer: String, bufferBytes: Int = 1 << 20,
                invalidate: @escaping () -> Void) throws {
        self.path = path
        self.recordSize = recordSize
        self.producerName = producer
        self.producer = invalidate
        var info = stat()
        guard stat(path, &info) == 0 else {
            invalidate()
            throw CorruptIntermediateError(path: path, problem: "missing", producer: producer)
        }
        let size = Int(info.st_size)
        guard size >= 32, (size - 32) % recordSize == 0 else {
            invalidate()
            throw CorruptIntermediateError(path: path, problem: "truncated (\(size) bytes is not a whole file)",
                                           producer: producer)
        }
        count = (size - 32) / recordSize
        reader = try PlainFileReader(path: path)
        buffer = [UInt8](repeating: 0, count: max(bufferBytes, recordSize * 16))
        let header = try take(16)
        guard Array(header[0..<8]) == RecordFileWriter.magic, header.loadLittleEndianUInt32(at: 8) == UInt32(recordSize) else {
            invalidate()
            throw CorruptIntermediateError(path: path, problem: "not a record file of \(recordSize)-byte records",
                                           producer: producer)
        }
        header.withUnsafeBytes { checksum.update($0) }
    }

    /// The next record, valid until the next call; nil after the last one (the checksum is checked then).
    public func next() throws -> UnsafeRawBufferPointer? {
        guard delivered < count else {
            if delivered == count {
                delivered += 1
                try verifyTrailer()
            }
            return nil
        }
        try fill(recordSize)
        let record = buffer.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[bufferStart..<(bufferStart + recordSize)]) }
        checksum.update(record)
        bufferStart += recordSize
        delivered += 1
        return record
    }

    private func verifyTrailer() throws {
        let trailer = try take(16)
        let storedCount = trailer.loadLittleEndianUInt64(at: 0)
        trailer[0..<8].withUnsafeBytes { checksum.update($0) }
        guard storedCount == UInt64(count), trailer.loadLittleEndianUInt64(at: 8) == checksum.digest else {
            producer()
            throw CorruptIntermediateError(path: path, problem: "checksum mismatch", producer: producerName)
        }
    }

    private func take(_ size: Int) throws -> [UInt8] {
        try fill(size)
        let bytes = Array(buffer[bufferStart..<(bufferStart + size)])
        bufferStart += size
        return bytes
    }

    /// Makes at least `size` unread bytes available in the buffer.
    private func fill(_ size: Int) throws {
        if bufferEnd - bufferStart >= size { return }
        if bufferStart > 0 {
            buffer.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + bufferStart, byteCount: bufferEnd - bufferStart)
            }
            bufferEnd -= bufferStart
            bufferStart = 0
        }
        while bufferEnd < size {
            let got = try buffer.withUnsafeMutableBytes { raw in
                try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[bufferEnd...]))
            }
            if got == 0 {
                producer()
                throw CorruptIntermediateError(path: path, problem: "ends early", producer: producerName)
            }
            bufferEnd += got
        }
    }
}
