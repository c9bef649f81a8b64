#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory, unmapped when the last reference goes away. Model files
/// are mapped rather than read so that an F32 tensor can be used in place and a BF16/F16 one converted
/// straight from the page cache into its destination, with no intermediate copy.
///
/// The file must not shrink while it is mapped: reading a page past its new end raises SIGBUS. Every
/// offset we read is checked against the size at opening, which is what the file had when checked.
///
/// `@unchecked Sendable`: the mapping is read-only (PROT_READ) and never changes after `init`, so any
/// number of threads may read it at once.
final class FileMapping: @unchecked Sendable {
    let path: String
    /// Nil for an empty file (mmap refuses a length of 0).
    let base: UnsafeRawPointer?
    let byteCount: Int

    init(path: String) throws(SafeTensorsError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SafeTensorsError(path: path, message: "cannot open for reading: \(Self.systemError())")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw SafeTensorsError(path: path, message: "cannot read its size: \(Self.systemError())")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SafeTensorsError(path: path, message: "is not a regular file")
        }
        byteCount = Int(info.st_size)
        guard byteCount > 0 else {
            base = nil
            return
        }
        guard let address = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, descriptor, 0),
              address != MAP_FAILED else {
            throw SafeTensorsError(path: path, message: "cannot map \(byteCount) bytes: \(Self.systemError())")
        }
        base = UnsafeRawPointer(address)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), byteCount) }
    }

    /// Bytes `range` of the file; the range must lie inside it (checked by the callers, which know
    /// what the bytes are).
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= byteCount, "range outside the mapped file")
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
