import CorpusIO
import Foundation

/// A phase's tokenized documents, kept in a scratch file rather than in memory: ids, masks and a pair's
/// rejected side are appended as documents are tokenized and read back one document at a time while
/// samples are cut. Memory holds per document only what the mixture plans with (source, token count,
/// content hash) and where its bytes are: about 32 bytes, whatever its length.
final class TokenizedStore {
    private struct Entry {
        var offset: Int64
        var contentHash: UInt64
        var tokens: Int32
        /// -1 when the document has no rejected side.
        var rejected: Int32
        var source: Int32
        var masks: UInt8   // bit 0: a mask for the tokens, bit 1: one for the rejected side
    }

    private var entries: [Entry] = []
    private let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var written: Int64 = 0
    private var flushed: Int64 = 0

    /// A new, empty store at `path` (any file there is replaced; the file is removed when the store goes).
    init(path: String) throws {
        self.path = path
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError(path: path, message: String(cString: strerror(errno))) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    var count: Int { entries.count }
    func source(_ index: Int) -> Int { Int(entries[index].source) }
    func contentHash(_ index: Int) -> UInt64 { entries[index].contentHash }
    /// Tokens counted towards the mixture (both sides of a preference pair).
    func tokenCount(_ index: Int) -> Int { Int(entries[index].tokens) + max(0, Int(entries[index].rejected)) }

    func append(_ document: TokenizedDocument) throws {
        var masks: UInt8 = 0
        appendIDs(document.tokens)
        if let mask = document.mask {
            masks |= 1
            buffer.append(contentsOf: mask)
        }
        if let rejected = document.rejected {
            appendIDs(rejected)
            if let mask = document.rejectedMask {
                masks |= 2
                buffer.append(contentsOf: mask)
            }
        }
        entries.append(Entry(offset: written, contentHash: document.contentHash, tokens: Int32(document.tokens.count),
                             rejected: Int32(document.rejected?.count ?? -1), source: Int32(document.source), masks: masks))
        written = flushed + Int64(buffer.count)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func appendIDs(_ ids: [Int32]) {
        ids.withUnsafeBytes { buffer.append(contentsOf: $0) }
    }

    /// Writes what is buffered; call once every document is in, before reading.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        let count = buffer.count
        let done = buffer.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, count, off_t(flushed)) }
        guard done == count else {
            throw FileError(path: path, message: done < 0 ? String(cString: strerror(errno)) : "short write")
        }
        flushed += Int64(count)
        buffer.removeAll(keepingCapacity: true)
        written = flushed
    }

    subscript(index: Int) -> TokenizedDocument {
        let entry = entries[index]
        let tokens = Int(entry.tokens), rejected = Int(entry.rejected)
        var size = tokens * 4 + (entry.masks & 1 != 0 ? tokens : 0)
        if rejected >= 0 { size += rejected * 4 + (entry.masks & 2 != 0 ? rejected : 0) }
        var bytes = [UInt8](repeating: 0, count: size)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, size, off_t(entry.offset)) }
        // The file is ours, written by this process a moment ago: a short read is a broken machine.
        precondition(got == size, "\(path): read \(got) of \(size) bytes at \(entry.offset)")
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
