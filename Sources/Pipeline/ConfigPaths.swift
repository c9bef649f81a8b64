import CorpusIO
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Path arithmetic for config files: relative paths inside a file mean "next to this file", so
/// a manifest works from any working directory. Normalization is lexical (no symlink lookups),
/// so resolving never touches the disk and gives the same answer whether or not a path exists.
public enum ConfigPaths {
    /// The folder holding `file`, or "." for a bare file name.
    static func directory(of file: String) -> String {
        let parent = (file as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// `path` unchanged in meaning, made absolute against `directory` when relative.
    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(absolute(directory) + "/" + path)
    }

    /// `path` made absolute against the current working directory.
    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// Joins `path` onto `directory` for display, keeping it relative when both are, so messages
    /// show `manifests/local.yaml` rather than a long absolute path.
    static func join(_ directory: String, _ path: String) -> String {
        if path.hasPrefix("/") || directory == "." { return normalize(path) }
        return normalize(directory + "/" + path)
    }

    /// Collapses `//`, `.` and `..` components; leading `..` of a relative path is kept.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." { parts.removeLast() } else if !isAbsolute { parts.append(part) }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Whether `path` is a pattern rather than a plain path (the same characters glob(3) expands).
    static func hasGlob(_ path: String) -> Bool {
        path.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// The entries a glob pattern matches, sorted: the walker's own expansion, so validation and
    /// ingest can never disagree about what a pattern names.
    static func expand(_ pattern: String) -> [String] { FileWalker.expand(pattern) }

    /// Whether a plain path names an existing file or folder (following symlinks).
    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}
