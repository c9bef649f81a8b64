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
    public enum Reason: String, Sendable { case unreadable, symlinkLoop = "symlink_loop", duplicateLink = "duplicate_link", notRegular = "not_regular" }
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
                                into files: inout [WalkedFile]) {
        let identity = FileIdentity(info)
        guard visitedDirectories.insert(identity).inserted else {
            notes.append(ancestors.contains(identity)
                ? WalkNote(path: directory, reason: .symlinkLoop, detail: "link back to a folder above it")
                : WalkNote(path: directory, reason: .duplicateLink, detail: "same folder already reached by another path"))
            return
        }
        ancestors.insert(identity)
        defer { ancestors.remove(identity) }
        guard let stream = opendir(directory) else {
            notes.append(WalkNote(path: directory, reason: .unreadable, detail: errnoMessage()))
            return
        }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(stream)
        // Byte order, not locale order: the same on every machine.
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var child = stat()
            guard stat(path, &child) == 0 else {
                notes.append(WalkNote(path: path, reason: .unreadable, detail: errnoMessage()))
                continue
            }
            if isDirectory(child) {
                if filter.prunes(directory: childRelative) { continue }
                visit(directory: path, relative: childRelative, info: child, filter: filter, into: &files)
            } else if filter.keeps(relativePath: childRelative),
                      let file = accept(path: path, relative: childRelative, info: child) {
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

/// The C library's message for the current `errno`.
public func errnoMessage() -> String { String(cString: strerror(errno)) }
