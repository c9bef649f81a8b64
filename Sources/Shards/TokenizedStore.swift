import CorpusIO
import Foundation

/// Where one tokenized document lies in a `TokenizedStore`, with what the mixture plans with (source,
/// language slot, token count, content hash): 32 bytes, kept on disk and in the planning sorts, never in a list of
/// every document.
struct StoredDocument: Sendable, Equatable {
    var offset: Int64
    var contentHash: UInt64
    var tokens: Int32
    /// -1 when the document has no rejected side.
    var rejected: Int32
    var source: Int32
    var masks: UInt8   // bit 0: a mask for the tokens, bit 1: one for the rejected side
    /// The document's slot in the phase's `LanguagePools` (0 when the phase weights no language).
    var language: UInt16 = 0

    static let encodedSize = 32

    /// Tokens counted towards the mixture (both sides of a preference pair).
    var tokenCount: Int { Int(tokens) + max(0, Int(rejected)) }

    /// Bytes of ids and masks in the token file.
    var byteCount: Int {
        var size = Int(tokens) * 4 + (masks & 1 != 0 ? Int(tokens) : 0)
        if rejected >= 0 { size += Int(rejected) * 4 + (masks & 2 != 0 ? Int(rejected) : 0) }
        return size
    }

    func encode(into bytes: inout [UInt8]) {
        bytes.appendLittleEndian(offset)
        bytes.appendLittleEndian(contentHash)
        bytes.appendLittleEndian(tokens)
        bytes.appendLittleEndian(rejected)
        bytes.appendLittleEndian(source)
        bytes.append(masks)
        bytes.appendLittleEndian(language)
        bytes.append(0)
    }

    init(offset: Int64, contentHash: UInt64, tokens: Int32, rejected: Int32, source: Int32, masks: UInt8,
         language: UInt16 = 0) {
        self.offset = offset
        self.contentHash = contentHash
        self.tokens = tokens
        self.rejected = rejected
        self.source = source
        self.masks = masks
        self.language = language
    }

    init(decoding bytes: UnsafeRawBufferPointer) {
        func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T { T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self)) }
        offset = load(0, Int64.self)
        contentHash = load(8, UInt64.self)
        tokens = load(16, Int32.self)
        rejected = load(20, Int32.self)
        source = load(24, Int32.self)
        masks = bytes[28]
        language = load(29, UInt16.self)
    }
}

/// A phase's tokenized documents, kept in scratch files rather than in memory: ids, masks and a pair's
/// rejected side go to `<path>` as documents are tokenized, and each document's `StoredDocument` to
/// `<path>.entries`. Planning reads the entries front to back; cutting samples reads one document at a
/// time. Memory holds two write buffers, whatever the number of documents.
final class TokenizedStore {
    private let tokenFile: ScratchFile
    private let entryFile: ScratchFile
    private var entryBytes: [UInt8] = []
    private(set) var count = 0

    /// A new, empty store at `path` (files there are replaced; they are removed when the store goes).
    init(path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        tokenFile = try ScratchFile(path: path)
        entryFile = try ScratchFile(path: path + ".entries")
    }

    /// `language`: the document's slot in the phase's `LanguagePools`.
    func append(_ document: TokenizedDocument, language: UInt16 = 0) throws {
        var masks: UInt8 = 0
        let offset = tokenFile.size
        try tokenFile.append(ids: document.tokens)
        if let mask = document.mask {
            masks |= 1
            try tokenFile.append(mask)
        }
        if let rejected = document.rejected {
            try tokenFile.append(ids: rejected)
            if let mask = document.rejectedMask {
                masks |= 2
                try tokenFile.append(mask)
            }
        }
        entryBytes.removeAll(keepingCapacity: true)
        StoredDocument(offset: offset, contentHash: document.contentHash, tokens: Int32(document.tokens.count),
                       rejected: Int32(document.rejected?.count ?? -1), source: Int32(document.source), masks: masks,
                       language: language)
            .encode(into: &entryBytes)
        try entryFile.append(entryBytes)
        count += 1
    }

    /// Writes what is buffered; call once every document is in, before reading.
    func flush() throws {
        try tokenFile.flush()
        try entryFile.flush()
    }

    /// Every document's entry, in the order they were appended.
    func forEach(_ body: (_ index: Int, _ document: StoredDocument) throws -> Void) throws {
        let reader = try ScratchReader(path: entryFile.path, bufferBytes: 1 << 20)
        var index = 0
        while let entry = try reader.next(StoredDocument.encodedSize, { StoredDocument(decoding: $0) }) {
            try body(index, entry)
            index += 1
        }
    }

    /// The ids and masks of one document, read back from the token file.
    func read(_ entry: StoredDocument) -> TokenizedDocument {
        let tokens = Int(entry.tokens), rejected = Int(entry.rejected)
        let bytes = tokenFile.read(count: entry.byteCount, at: entry.offset)
        var position = 0
        func ids(_ count: Int) -> [Int32] {
            defer { position += count * 4 }
            var out = [Int32](repeating: 0, count: count)
            out.withUnsafeMutableBytes { target in
                bytes.withUnsafeBytes { source in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<(position + count * 4)]))
                }
            }
            return out
        }
        func mask(_ count: Int) -> [UInt8] {
            defer { position += count }
            return Array(bytes[position..<(position + count)])
        }
        let chosen = ids(tokens)
        let chosenMask = entry.masks & 1 != 0 ? mask(tokens) : nil
        let rejectedIDs = rejected >= 0 ? ids(rejected) : nil
        let rejectedMask = rejected >= 0 && entry.masks & 2 != 0 ? mask(rejected) : nil
        return TokenizedDocument(source: Int(entry.source), tokens: chosen, mask: chosenMask, rejected: rejectedIDs,
                                 rejectedMask: rejectedMask, contentHash: entry.contentHash)
    }
}

/// An append-only scratch file with a write buffer, read back at offsets; removed when it goes.
private final class ScratchFile {
    let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var flushed: Int64 = 0

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError(path: path, message: String(cString: strerror(errno))) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Bytes appended so far, flushed or not.
    var size: Int64 { flushed + Int64(buffer.count) }

    func append(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func append(ids: [Int32]) throws {
        ids.withUnsafeBytes { buffer.append(contentsOf: $0) }
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let count = buffer.count
        let done = buffer.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, count, off_t(flushed)) }
        guard done == count else {
            throw FileError(path: path, message: done < 0 ? String(cString: strerror(errno)) : "short write")
        }
        flushed += Int64(count)
        buffer.removeAll(keepingCapacity: true)
    }

    func read(count: Int, at offset: Int64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        // The file is ours, written by this process a moment ago: a short read is a broken machine.
        precondition(got == count, "\(path): read \(got) of \(count) bytes at \(offset)")
        return bytes
    }
}
