#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system failure naming the path and the C library's message.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

/// A file written under a temporary name and renamed into place by `commit()`, so a killed
/// process never leaves a half-written file under the final name. Writes are buffered.
public final class AtomicOutputFile {
    public let path: String
    public let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 20
    public private(set) var bytesWritten = 0

    public init(path: String) throws(FileError) {
        self.path = path
        temporaryPath = path + ".tmp"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError(path: temporaryPath, message: errnoMessage()) }
        buffer.reserveCapacity(bufferLimit)
    }

    deinit {
        // Not committed: the temporary file is removed, never renamed.
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        bytesWritten += bytes.count
        if buffer.count + bytes.count > bufferLimit { try flush() }
        if bytes.count >= bufferLimit {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Flushes, syncs and renames the temporary file to its final name.
    public func commit() throws {
        FaultInjection.point("commit")   // kill tests: the whole file written, not yet renamed
        try flush()
        guard fsync(descriptor) == 0 else { throw FileError(path: temporaryPath, message: errnoMessage()) }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else { throw FileError(path: path, message: errnoMessage()) }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(FileError) {
        if FaultInjection.fails("write") {   // full-disk tests
            throw FileError(path: temporaryPath, message: String(cString: strerror(ENOSPC)) + " (injected by PLM_FAIL_AT=write)")
        }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError(path: temporaryPath, message: errnoMessage())
            }
            offset += written
        }
    }
}

/// Whole-file and chunked reads with POSIX calls.
public enum FileInput {
    /// Reads the whole file; fails when it is larger than `limit` bytes (checked while reading, so a
    /// file that grows or lies about its size cannot exhaust memory).
    public static func readAll(path: String, limit: Int = .max) throws(FileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, message: errnoMessage()) }
        defer { close(descriptor) }
        var info = stat()
        let expected = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        var bytes = [UInt8](repeating: 0, count: min(expected, limit) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                if count > limit { throw FileError(path: path, message: "larger than \(limit) bytes") }
                bytes.append(contentsOf: repeatElement(0, count: max(1 << 16, count)))
            }
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, message: errnoMessage())
            }
            if got == 0 { break }
            count += got
        }
        if count > limit { throw FileError(path: path, message: "larger than \(limit) bytes") }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Calls `body` with successive chunks of the file.
    public static func readChunks(path: String, chunkSize: Int = 1 << 20,
                                  _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, message: errnoMessage()) }
        defer { close(descriptor) }
        // A small regular file gets a buffer of its size (plus one byte, to see the end in the same
        // read), not a whole chunk: reading thousands of small files should not fault in a megabyte each.
        var info = stat()
        let size = fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : chunkSize
        var chunk = [UInt8](repeating: 0, count: max(1, min(chunkSize, size + 1)))
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, message: errnoMessage())
            }
            if got == 0 { return }
            try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
        }
    }
}

/// Small file-system helpers used by stages (markers, folders, clean-up of stale temporaries).
public enum FileSystem {
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// `mkdir -p`.
    public static func createDirectory(_ path: String) throws(FileError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw FileError(path: partial, message: errnoMessage())
            }
        }
    }

    /// Writes a small file atomically (stats, markers).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let file = try AtomicOutputFile(path: path)
        try file.write(bytes)
        try file.commit()
    }

    public static func remove(_ path: String) { unlink(path) }

    /// Names in a directory, sorted by bytes; empty when it does not exist.
    public static func list(_ directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The folder part of a path ("." when there is none).
    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Something that yields bytes in chunks: a plain file, an archive member, a decompressed stream.
public protocol ByteSource: AnyObject {
    /// Fills part of `buffer`; returns the count, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes taken from the underlying storage so far (compressed bytes, for a compressed source).
    var compressedBytesConsumed: Int { get }
}

extension ArchiveReader: ByteSource {}

/// A plain file read sequentially through one descriptor.
public final class PlainFileReader: ByteSource {
    public let path: String
    private let descriptor: Int32
    public private(set) var compressedBytesConsumed = 0

    public init(path: String) throws(FileError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, message: errnoMessage()) }
    }

    /// Opens a walked file by its exact path bytes (see `WalkedFile.rawPath`).
    public init(file: WalkedFile) throws(FileError) {
        path = file.path
        descriptor = file.openDescriptor()
        guard descriptor >= 0 else { throw FileError(path: path, message: errnoMessage()) }
    }

    deinit { close(descriptor) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let got = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if got >= 0 {
                compressedBytesConsumed += got
                return got
            }
            if errno != EINTR { throw FileError(path: path, message: errnoMessage()) }
        }
    }
}

/// `2024-05-01T12:00:00Z` for seconds since the epoch, in UTC.
public func iso8601(epochSeconds: Int) -> String {
    var time = time_t(epochSeconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
        + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
}
