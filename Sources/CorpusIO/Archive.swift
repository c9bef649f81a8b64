import CArchive

/// A libarchive failure, with libarchive's own message (`archive_error_string`).
public struct ArchiveError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// True when libarchive says the handle is unusable (`ARCHIVE_FATAL`), not just this entry.
    public let fatal: Bool
    public var description: String { "libarchive: \(message)" }
}

/// One member of an archive as libarchive reports it.
public struct ArchiveEntry: Sendable {
    /// The member's path inside the archive.
    public var path: String
    /// Declared uncompressed size, when the format records it.
    public var size: Int?
    /// Regular files carry data; directories, links and devices do not.
    public var isRegularFile: Bool
    /// Modification time, seconds since the epoch (0 when unknown).
    public var modificationTime: Int
}

/// Reads archives (tar, zip, ...) or single compressed streams (gzip, zstd, xz, bzip2) as streams,
/// never extracting to disk. Owns one `struct archive *` for reading.
public final class ArchiveReader {
    /// What the input is expected to hold.
    public enum Mode: Sendable {
        /// A container with members (tar, zip, cpio, 7z, ...), possibly compressed as a whole.
        case archive
        /// A single stream, possibly compressed: positioned on its data when opened; `read` at once.
        case compressedStream
    }

    private let handle: OpaquePointer
    /// In-memory input, owned here so its address stays valid for as long as libarchive reads it.
    private var memory: UnsafeMutableRawBufferPointer?
    /// Set once `nextEntry` has returned nil: libarchive must not be asked again.
    private var reachedEnd = false
    /// A descriptor opened here for libarchive to read (a path that is not UTF-8), closed with the reader.
    private var ownedDescriptor: Int32 = -1

    /// Opens a file on disk.
    public convenience init(path: String, mode: Mode, blockSize: Int = 1 << 16) throws(ArchiveError) {
        try self.init(mode: mode)
        try check(archive_read_open_filename(handle, path, blockSize))
        try enterStream(mode)
    }

    /// Opens a walked file by its exact path bytes (a name that is not UTF-8 cannot go through a String).
    public convenience init(file: WalkedFile, mode: Mode, blockSize: Int = 1 << 16) throws(ArchiveError) {
        guard file.rawPath != nil else {
            try self.init(path: file.path, mode: mode, blockSize: blockSize)
            return
        }
        try self.init(mode: mode)
        ownedDescriptor = file.openDescriptor()
        guard ownedDescriptor >= 0 else { throw ArchiveError(message: "\(file.path): \(errnoMessage())", fatal: true) }
        try check(archive_read_open_fd(handle, ownedDescriptor, blockSize))
        try enterStream(mode)
    }

    /// Opens bytes already in memory (an archive member holding another archive).
    public convenience init(bytes: [UInt8], mode: Mode) throws(ArchiveError) {
        try self.init(mode: mode)
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0) }
        memory = copy
        try check(archive_read_open_memory(handle, copy.baseAddress, bytes.count))
        try enterStream(mode)
    }

    /// A raw stream has exactly one entry: position the reader on its data so `read` works at once.
    /// An empty input has no entry at all and reads as zero bytes.
    private func enterStream(_ mode: Mode) throws(ArchiveError) {
        guard case .compressedStream = mode else { return }
        if try nextEntry() == nil { streamIsEmpty = true }
    }

    private var streamIsEmpty = false

    private init(mode: Mode) throws(ArchiveError) {
        guard let handle = archive_read_new() else { throw ArchiveError(message: "cannot allocate a reader", fatal: true) }
        self.handle = handle
        archive_read_support_filter_all(handle)
        switch mode {
        case .archive: archive_read_support_format_all(handle)
        case .compressedStream:
            archive_read_support_format_raw(handle)
            archive_read_support_format_empty(handle)  // empty input: no entry, reads as zero bytes
        }
    }

    deinit {
        archive_read_free(handle)
        memory?.deallocate()
        if ownedDescriptor >= 0 { close(ownedDescriptor) }
    }

    /// The next member, or nil at the end of the archive (and on every later call).
    public func nextEntry() throws(ArchiveError) -> ArchiveEntry? {
        if reachedEnd { return nil }
        var entry: OpaquePointer?
        let status = archive_read_next_header(handle, &entry)
        if status == ARCHIVE_EOF {
            reachedEnd = true
            return nil
        }
        if status < ARCHIVE_WARN { throw error(fatal: true) }
        guard let entry else { throw ArchiveError(message: "no entry returned", fatal: true) }
        let path = archive_entry_pathname_utf8(entry).map { String(cString: $0) }
            ?? archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        let regular = archive_entry_filetype(entry) == 0o100000  // AE_IFREG
        return ArchiveEntry(
            path: path,
            size: archive_entry_size_is_set(entry) != 0 ? Int(archive_entry_size(entry)) : nil,
            isRegularFile: regular,
            modificationTime: archive_entry_mtime_is_set(entry) != 0 ? Int(archive_entry_mtime(entry)) : 0)
    }

    /// True once a data read has failed fatally: libarchive's handle is then unusable for later
    /// members. A failure of one member only (an unsupported zip method) leaves it false.
    public private(set) var lastReadFailed = false

    /// Reads the current member's data into `buffer`; returns the byte count, 0 at the member's end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        if streamIsEmpty { return 0 }
        while true {
            let count = archive_read_data(handle, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if Int32(count) == ARCHIVE_RETRY { continue }
            if Int32(count) == ARCHIVE_WARN { return 0 }
            let fatal = Int32(count) != ARCHIVE_FAILED
            if fatal { lastReadFailed = true }
            throw error(fatal: fatal)
        }
    }

    /// Bytes consumed from the underlying (compressed) input so far: the denominator of the
    /// expansion ratio that catches decompression bombs.
    public var compressedBytesConsumed: Int { Int(archive_filter_bytes(handle, -1)) }

    /// Names of the compression filters libarchive detected, outermost first ("gzip", "zstd", ...).
    public var filterNames: [String] {
        let count = archive_filter_count(handle)
        return (0..<count).compactMap { archive_filter_name(handle, $0).map { String(cString: $0) } }
            .filter { $0 != "none" }
    }

    private func check(_ status: Int32) throws(ArchiveError) {
        if status < ARCHIVE_WARN { throw error(fatal: true) }
    }

    private func error(fatal: Bool) -> ArchiveError {
        let message = archive_error_string(handle).map { String(cString: $0) } ?? "unknown error"
        return ArchiveError(message: message, fatal: fatal)
    }
}

/// Writes archives and compressed streams (test fixtures, exports). Owns one `struct archive *`.
public final class ArchiveWriter {
    public enum Format: Sendable {
        case tar, zip
        /// One unnamed stream; exactly one entry may be written.
        case raw
    }

    public enum Filter: Sendable {
        case none, gzip, zstd, xz, bzip2
    }

    private let handle: OpaquePointer

    public init(path: String, format: Format, filter: Filter = .none) throws(ArchiveError) {
        guard let handle = archive_write_new() else { throw ArchiveError(message: "cannot allocate a writer", fatal: true) }
        self.handle = handle
        switch format {
        case .tar: try check(archive_write_set_format_pax_restricted(handle))
        case .zip: try check(archive_write_set_format_zip(handle))
        case .raw: try check(archive_write_set_format_raw(handle))
        }
        switch filter {
        case .none: try check(archive_write_add_filter_none(handle))
        case .gzip: try check(archive_write_add_filter_gzip(handle))
        case .zstd: try check(archive_write_add_filter_zstd(handle))
        case .xz: try check(archive_write_add_filter_xz(handle))
        case .bzip2: try check(archive_write_add_filter_bzip2(handle))
        }
        try check(archive_write_open_filename(handle, path))
    }

    deinit { archive_write_free(handle) }

    /// Adds one regular-file member with the given bytes.
    public func add(path: String, bytes: [UInt8], modificationTime: Int = 0) throws(ArchiveError) {
        guard let entry = archive_entry_new() else { throw ArchiveError(message: "cannot allocate an entry", fatal: true) }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, path)
        archive_entry_set_size(entry, la_int64_t(bytes.count))
        archive_entry_set_filetype(entry, 0o100000)  // AE_IFREG
        archive_entry_set_perm(entry, 0o644)
        archive_entry_set_mtime(entry, time_t(modificationTime), 0)
        try check(archive_write_header(handle, entry))
        let written = bytes.withUnsafeBytes { archive_write_data(handle, $0.baseAddress, $0.count) }
        if written < 0 { throw error() }
        try check(archive_write_finish_entry(handle))
    }

    /// Flushes and closes the output; the file is complete only after this returns.
    public func close() throws(ArchiveError) {
        try check(archive_write_close(handle))
    }

    private func check(_ status: Int32) throws(ArchiveError) {
        if status < ARCHIVE_WARN { throw error() }
    }

    private func error() -> ArchiveError {
        let message = archive_error_string(handle).map { String(cString: $0) } ?? "unknown error"
        return ArchiveError(message: message, fatal: true)
    }
}
