/// Why an input (file, member, stream or record) produced no document, or a stage dropped one. Counted per source in each
/// task's stats and logged with the file and offset.
public enum SkipReason: String, Sendable, CaseIterable, Codable, Comparable, Error {
    /// NUL bytes, or mostly invalid UTF-8.
    case binary
    /// Larger than `max_document_bytes`.
    case tooLarge = "too_large"
    /// Expanded past `max_compression_ratio` (a decompression bomb).
    case compressionRatio = "compression_ratio"
    /// An archive nested deeper than `archive_depth`.
    case nestedTooDeep = "nested_too_deep"
    /// A damaged archive: the members after the damage are lost, those before are kept.
    case corruptArchive = "corrupt_archive"
    /// A compressed stream that is damaged or ends early.
    case corruptStream = "corrupt_stream"
    /// The file could not be opened or read (or, found by the folder walk, a folder could not be listed).
    case unreadable
    /// Folder walk: a link back to a folder above it.
    case symlinkLoop = "symlink_loop"
    /// Folder walk: a file or folder already reached by another path (read once).
    case duplicateLink = "duplicate_link"
    /// Folder walk: a symbolic link whose target does not exist.
    case danglingLink = "dangling_link"
    /// Folder walk: a device, socket or pipe.
    case notRegular = "not_regular"
    /// A JSONL line that is not a JSON object.
    case malformedJSONL = "malformed_jsonl"
    /// A JSONL record without a string in its text field.
    case missingTextField = "missing_text_field"
    /// No text left after cleaning.
    case empty
    /// Dedup: the same text (xxh3-128) as a document that was kept.
    case exactDuplicate = "exact_duplicate"
    /// Dedup: in a MinHash cluster with a document that was kept.
    case nearDuplicate = "near_duplicate"

    public static func < (a: SkipReason, b: SkipReason) -> Bool { a.rawValue < b.rawValue }
}

/// An input that was skipped, for the task's log.
struct Skip: Error {
    var reason: SkipReason
    var detail: String
}
