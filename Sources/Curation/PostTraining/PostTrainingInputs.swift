import CorpusIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input file of a generator, with the names its records are known by.
struct PostTrainingInput: Sendable, Equatable {
    var file: WalkedFile
    /// The path inside its root ("json/decoder.py"); the file's name when the root is a file.
    var relativePath: String
    /// `relativePath` under the root's own name ("python3.11/json/decoder.py"): the file part of
    /// record ids, stable wherever the root lives, and distinct for roots with different names.
    var idPath: String
}

/// Turns the paths a generator is given (files, folders, glob patterns) into a sorted list of
/// input files, and reads one input's text (decompressing `.gz`, `.xz`, `.bz2`, `.zst`).
enum PostTrainingInputs {
    /// Largest input read, compressed or not (the status file and the biggest man pages are far smaller).
    static let maxFileBytes = 16 << 20

    /// Expands each path; one that matches nothing is an error naming it. Folders are walked in byte
    /// order; a link to a file in the same root is replaced by its target (read once, under the
    /// target's name) and counted as an alias. `keeps` picks files by their relative path.
    static func collect(_ paths: [String], keeps: (String) -> Bool,
                        stats: inout PostTrainingStats) throws(PostTrainingError) -> [PostTrainingInput] {
        var inputs: [PostTrainingInput] = []
        var seen = Set<String>()
        for pattern in paths {
            let roots = FileWalker.expand(pattern)
            if roots.isEmpty { throw .missingPath(pattern) }
            for root in roots {
                var walker = FileWalker()
                let rootName = lastComponent(root)
                let isFolder = FileSystem.isDirectory(root)
                for var file in walker.walk(root: root, filter: PathFilter()) {
                    var relative = isFolder ? file.relativePath : rootName
                    if isFolder, isSymbolicLink(file.path), let target = resolvedPath(file.path),
                       let inside = relativeInside(root: resolvedPath(root) ?? root, target) {
                        stats.skip(.alias, "\(file.path) -> \(inside)")
                        file.path = target
                        file.rawPath = nil
                        relative = inside
                    }
                    guard keeps(relative) else { continue }
                    let idPath = isFolder ? rootName + "/" + relative : relative
                    guard seen.insert(idPath).inserted else { continue }
                    inputs.append(PostTrainingInput(file: file, relativePath: relative, idPath: idPath))
                }
                // The walk reads a file reached by two links once; that is not a loss.
                for note in walker.notes where note.reason != .duplicateLink {
                    stats.skip(.walkProblem, "\(note.path): \(note.reason.rawValue) \(note.detail)")
                }
            }
        }
        return inputs.sorted { $0.idPath.utf8.lexicographicallyPrecedes($1.idPath.utf8) }
    }

    /// The input's text, or nil after counting why it cannot be read.
    static func text(of input: PostTrainingInput, stats: inout PostTrainingStats) -> String? {
        let bytes: [UInt8]
        do {
            bytes = isCompressed(input.relativePath) ? try decompressed(input.file) : try FileInput.readAll(path: input.file.path, limit: maxFileBytes)
        } catch {
            stats.skip(.unreadable, "\(input.file.path): \(error)")
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            stats.skip(.notUTF8, input.file.path)
            return nil
        }
        return text
    }

    static let compressedSuffixes = [".gz", ".xz", ".bz2", ".zst"]

    static func isCompressed(_ name: String) -> Bool { compressedSuffixes.contains { name.hasSuffix($0) } }

    /// The name without a compression suffix ("ls.1.gz" -> "ls.1").
    static func withoutCompressionSuffix(_ name: String) -> String {
        for suffix in compressedSuffixes where name.hasSuffix(suffix) { return String(name.dropLast(suffix.count)) }
        return name
    }

    /// A compressed file through libarchive's raw-stream mode, as ingest opens `.gz` files: a stream
    /// libarchive does not recognise as compressed is an error, never passed through as it is.
    private static func decompressed(_ file: WalkedFile) throws -> [UInt8] {
        let stream = try ArchiveReader(file: file, mode: .compressedStream)
        guard !stream.filterNames.isEmpty else { throw FileError(path: file.path, message: "no compressed stream recognised") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maxFileBytes { throw FileError(path: file.path, message: "expands past \(maxFileBytes) bytes") }
        }
    }

    private static func lastComponent(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    private static func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `path` relative to `root` when it lies inside it.
    private static func relativeInside(root: String, _ path: String) -> String? {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }
}

/// What every file-based generator shares: how it picks files and turns one file's text into records.
/// `generate(paths:limit:)` does the rest (globbing, walking, sorting, reading, the limit, the counts).
public protocol ChatRecordGenerator: Sendable {
    /// The generator's name, the first part of record ids ("dpkg-descriptions").
    var name: String { get }
    /// Whether a walked file (path relative to its root) is an input.
    func keeps(relativePath: String) -> Bool
    /// Records from one file's text. `file` is the file's id part, `relativePath` its path inside its root.
    func records(fromText text: String, file: String, relativePath: String, stats: inout PostTrainingStats) -> [ChatRecord]
}

extension ChatRecordGenerator {
    /// Reads `paths` (files, folders, globs) in sorted order and makes records until `limit`.
    /// A path that matches nothing throws; unreadable or malformed input is skipped and counted.
    public func generate(paths: [String], limit: Int? = nil) throws(PostTrainingError) -> PostTrainingOutput {
        var stats = PostTrainingStats()
        let inputs = try PostTrainingInputs.collect(paths, keeps: keeps(relativePath:), stats: &stats)
        var made: [ChatRecord] = []
        for input in inputs {
            if let limit, made.count >= limit { break }
            stats.filesRead += 1
            guard let text = PostTrainingInputs.text(of: input, stats: &stats) else { continue }
            made += records(fromText: text, file: input.idPath, relativePath: input.relativePath, stats: &stats)
        }
        if let limit, made.count > limit { made.removeSubrange(limit...) }
        stats.records = made.count
        return PostTrainingOutput(records: made, stats: stats)
    }
}
