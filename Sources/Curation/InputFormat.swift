/// What a file or archive member is, decided from its name (and the source's declared kind).
public enum InputFormat: Equatable, Sendable {
    /// A container whose members are read one by one (tar, possibly compressed; zip).
    case archive
    /// A single compressed stream; `inner` is the name without the compression suffix.
    case compressed(inner: String)
    case jsonl
    case html
    /// Plain text or source code.
    case text

    private static let archiveSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.xz", ".txz",
                                          ".tar.bz2", ".tbz2", ".tbz", ".zip"]
    private static let compressionSuffixes = [".gz", ".zst", ".zstd", ".bz2", ".xz"]

    /// Archive and compression suffixes always win (a `.jsonl.gz` is a compressed JSONL stream);
    /// below them, a declared kind other than `auto` decides, else the extension.
    public static func classify(name: String, kind: DocumentKind) -> InputFormat {
        let lower = name.lowercased()
        if archiveSuffixes.contains(where: lower.hasSuffix) { return .archive }
        if let suffix = compressionSuffixes.first(where: lower.hasSuffix) {
            return .compressed(inner: String(name.dropLast(suffix.count)))
        }
        switch kind {
        case .jsonl: return .jsonl
        case .html: return .html
        case .text, .code: return .text
        case .auto:
            if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
            if lower.hasSuffix(".html") || lower.hasSuffix(".htm") || lower.hasSuffix(".xhtml") { return .html }
            return .text
        }
    }
}
