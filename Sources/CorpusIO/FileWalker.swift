#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file found under a source root.
public struct WalkedFile: Sendable, Equatable {
    /// The path as reached (through symlinks, not resolved), used to open the file.
    public var path: String
    /// The path relative to the root it was found under ("" parts joined by "/"); the stable part
    /// of a document id, independent of where the corpus is mounted.
    public var relativePath: String
    public var size: Int
    /// Modification time, seconds since the epoch.
    public var modificationTime: Int
    /// The path's exact bytes when they are not valid UTF-8 (nil otherwise). `path` and `relativePath`
    /// then show each byte that is not UTF-8 as `\xNN`; open the file with these bytes (`openDescriptor`).
    public var rawPath: [UInt8]? = nil

    /// Opens the file for reading by its exact bytes; a negative result sets `errno`.
    public func openDescriptor() -> Int32 {
        guard let rawPath else { return open(path, O_RDONLY | O_CLOEXEC) }
        return (rawPath + [0]).withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY | O_CLOEXEC) }
    }
}

/// Path bytes as text: valid UTF-8 as it is, every other byte as `\xNN` (so a name that is not UTF-8
/// keeps a readable, stable form in document ids and logs).
public func escapedPath(_ bytes: [UInt8]) -> (text: String, isExact: Bool) {
    if let text = String(validating: bytes, as: UTF8.self) { return (text, true) }
    var text = ""
    var index = 0
    while index < bytes.count {
        // The longest valid UTF-8 sequence starting here (1 to 4 bytes), else one escaped byte.
        var taken = false
        for length in 1...4 where index + length <= bytes.count {
            if let piece = String(validating: bytes[index..<index + length], as: UTF8.self) {
                text += piece
                index += length
                taken = true
                break
            }
        }
        if !taken {
            let hex = String(bytes[index], radix: 16)
            text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            index += 1
        }
    }
    return (text, false)
}

/// Include/exclude patterns for a walk. See `matches` for the rules.
public struct PathFilter: Sendable {
    public var include: [String]
    public var exclude: [String]

    public init(include: [String] = [], exclude: [String] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// A file is kept when it matches some include pattern (or there are none) and no exclude pattern.
    /// - A pattern ending in `/` names a directory: it matches when any directory on the path matches it.
    /// - A pattern containing `/` is matched against the whole relative path (`*` crosses `/`).
    /// - Any other pattern is matched against the file name alone.
    public func keeps(relativePath: String) -> Bool {
        if !include.isEmpty && !include.contains(where: { Self.matches($0, relativePath) }) { return false }
        return !exclude.contains(where: { Self.matches($0, relativePath) })
    }

    /// True when a directory pattern in `exclude` prunes this directory (relative path, no trailing `/`).
    public func prunes(directory relativePath: String) -> Bool {
        exclude.contains { pattern in
            pattern.hasSuffix("/") && fnmatch(String(pattern.dropLast()), lastComponent(relativePath), 0) == 0
        }
    }

    static func matches(_ pattern: String, _ relativePath: String) -> Bool {
        if pattern.hasSuffix("/") {
            let directoryPattern = String(pattern.dropLast())
            let directories = relativePath.split(separator: "/").dropLast()
            if directoryPattern.contains("/") {
                // A multi-component directory pattern: match against every directory prefix.
                var prefix = ""
                for part in directories {
                    prefix = prefix.isEmpty ? String(part) : prefix + "/" + part
                    if fnmatch(directoryPattern, prefix, 0) == 0 { return true }
                }
                return false
            }
            return directories.contains { fnmatch(directoryPattern, String($0), 0) == 0 }
        }
        if pattern.contains("/") { return fnmatch(pattern, relativePath, 0) == 0 }
        return fnmatch(pattern, lastComponent(relativePath), 0) == 0
    }
}

private func lastComponent(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
}

/// Something the walk noticed and skipped, for the run's log.
public struct WalkNote: Sendable, Equatable {
    public enum Reason: String, Sendable { case unreadable, symlinkLoop = "symlink_loop", duplicateLink = "duplicate_link", notRegular = "not_regular"
        case danglingLink = "dangling_link" }
    public var path: String
    public var reason: Reason
    public var detail: String
}

/// Deterministic recursive directory walk: entries in byte order of their names, symlinks followed,
/// each directory and file visited once (by device and inode), so link loops end and files reached
/// by two links are read once, under the first path in walk order.
public struct FileWalker {
    private var visitedDirectories = Set<FileIdentity>()
    /// Directories on the current path from the root: meeting one again is a link loop.
    private var ancestors = Set<FileIdentity>()
    private var visitedFiles = Set<FileIdentity>()
    public private(set) var notes: [WalkNote] = []

    public init() {}

    /// Expands shell glob characters in `pattern` (sorted); a pattern without them is returned as is
    /// when it exists. Returns an empty list when nothing matches.
    public static func expand(_ pattern: String) -> [String] {
        let hasGlob = pattern.contains { "*?[".contains($0) }
        if !hasGlob { return access(pattern, F_OK) == 0 ? [pattern] : [] }
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    /// All regular files under `root` that `filter` keeps; a `root` that is itself a file was named
    /// explicitly and is always taken.
    public mutating func walk(root: String, filter: PathFilter) -> [WalkedFile] {
        var files: [WalkedFile] = []
        var info = stat()
        guard stat(root, &info) == 0 else {
            notes.append(WalkNote(path: root, reason: .unreadable, detail: errnoMessage()))
            return files
        }
        if isDirectory(info) {
            visit(directory: root, relative: "", info: info, filter: filter, into: &files)
        } else if let file = accept(path: root, relative: lastComponent(root), info: info) {
            files.append(file)
        }
        return files
    }

    private mutating func visit(directory: String, relative: String, info: stat, filter: PathFilter,
                                into files: inout [WalkedFile], bytes: [UInt8]? = nil) {
        let identity = FileIdentity(info)
        guard visitedDirectories.insert(identity).inserted else {
            notes.append(ancestors.contains(identity)
                ? WalkNote(path: directory, reason: .symlinkLoop, detail: "link back to a folder above it")
                : WalkNote(path: directory, reason: .duplicateLink, detail: "same folder already reached by another path"))
            return
        }
        ancestors.insert(identity)
        defer { ancestors.remove(identity) }
        // Paths are kept as bytes beside their text: a name that is not UTF-8 still opens.
        let directoryBytes = bytes ?? Array(directory.utf8)
        guard let stream = withCPath(directoryBytes, { opendir($0) }) else {
            notes.append(WalkNote(path: directory, reason: .unreadable, detail: errnoMessage()))
            return
        }
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(UnsafeRawBufferPointer(start: raw.baseAddress!, count: strlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self))))
            }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
        closedir(stream)
        // Byte order, not locale order: the same on every machine.
        names.sort { $0.lexicographicallyPrecedes($1) }
        for nameBytes in names {
            let (name, exact) = escapedPath(nameBytes)
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let pathBytes = directoryBytes + (directoryBytes.last == 0x2F ? [] : [0x2F]) + nameBytes
            let isExact = exact && bytes == nil
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var child = stat()
            guard withCPath(pathBytes, { stat($0, &child) }) == 0 else {
                let failure = errno
                let message = errnoMessage()
                var link = stat()
                if failure == ENOENT, withCPath(pathBytes, { lstat($0, &link) }) == 0, link.st_mode & S_IFMT == S_IFLNK {
                    notes.append(WalkNote(path: path, reason: .danglingLink, detail: "a link to nothing"))
                } else {
                    notes.append(WalkNote(path: path, reason: .unreadable, detail: message))
                }
                continue
            }
            if isDirectory(child) {
                if filter.prunes(directory: childRelative) { continue }
                visit(directory: path, relative: childRelative, info: child, filter: filter, into: &files,
                      bytes: isExact ? nil : pathBytes)
            } else if filter.keeps(relativePath: childRelative),
                      var file = accept(path: path, relative: childRelative, info: child) {
                if !isExact { file.rawPath = pathBytes }
                files.append(file)
            }
        }
    }

    private mutating func accept(path: String, relative: String, info: stat) -> WalkedFile? {
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            notes.append(WalkNote(path: path, reason: .notRegular, detail: "not a regular file"))
            return nil
        }
        guard visitedFiles.insert(FileIdentity(info)).inserted else {
            notes.append(WalkNote(path: path, reason: .duplicateLink, detail: "same file already reached by another path"))
            return nil
        }
        return WalkedFile(path: path, relativePath: relative, size: Int(info.st_size),
                          modificationTime: Int(info.st_mtim.tv_sec))
    }

    private func isDirectory(_ info: stat) -> Bool { (info.st_mode & S_IFMT) == S_IFDIR }
}

/// Device and inode: what makes two paths the same file.
private struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64
    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// Calls `body` with `bytes` as a NUL-terminated C path.
private func withCPath<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    (bytes + [0]).withUnsafeBufferPointer { body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
}

/// The C library's message for the current `errno`.
public func errnoMessage() -> String { String(cString: strerror(errno)) }
