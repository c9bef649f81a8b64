/// What a manifest says about one named source, in the form ingest needs it.
/// Built by the Pipeline module from YAML; ingest never sees YAML.
public struct SourceSpec: Sendable, Equatable {
    /// Unique name; the output folder `<root>/ingest/<name>/` and every document's `source` field.
    public var name: String
    /// Files, directories or glob patterns (`*`, `?`, `[...]` per path component), absolute or
    /// already resolved against the manifest's folder.
    public var paths: [String]
    /// Patterns a file's path relative to its root must match (any of them); empty means all files.
    /// A pattern without `/` is matched against the file name only; `*` crosses `/` otherwise.
    public var include: [String]
    /// Patterns that drop a file (same matching rules), checked after `include`.
    public var exclude: [String]
    /// How to read the files: decided per file from its name when `.auto`.
    public var kind: DocumentKind
    /// For JSONL records: the field that holds the text.
    public var textField: String
    /// Tag carried into every document's metadata (web, prose, code, math, chat, ...).
    public var domain: String
    /// License or provenance note carried into every document's metadata.
    public var license: String
    /// A missing path of an optional source is skipped with a note instead of failing the run.
    public var optional: Bool

    public init(name: String, paths: [String], include: [String] = [], exclude: [String] = [],
                kind: DocumentKind = .auto, textField: String = "text", domain: String = "web",
                license: String = "", optional: Bool = false) {
        self.name = name
        self.paths = paths
        self.include = include
        self.exclude = exclude
        self.kind = kind
        self.textField = textField
        self.domain = domain
        self.license = license
        self.optional = optional
    }
}

/// How a file's bytes become documents.
public enum DocumentKind: String, Sendable, CaseIterable, Codable {
    /// Decide from the file name: `.jsonl`/`.ndjson` -> jsonl, `.html`/`.htm`/`.xhtml` -> html,
    /// anything else -> text (compression and archive suffixes are looked through first).
    case auto
    /// One document per file (or archive member), the bytes as UTF-8 text.
    case text
    /// Like text; marks the document as source code for later stages.
    case code
    /// One document per line: a JSON object with a text field.
    case jsonl
    /// One document per file, reduced from HTML to text.
    case html
}

/// Limits that protect ingest from hostile or accidental input.
public struct IngestConfig: Sendable, Equatable {
    /// Number of tasks the input is split into (`files[task::tasks]`); fixed per run so that
    /// outputs are identical whatever the worker count.
    public var tasks: Int
    /// A document (file, member, decompressed stream or JSONL line) larger than this is skipped.
    public var maxDocumentBytes: Int
    /// The largest `maxDocumentBytes` allowed: the filters index a document's words with 32-bit
    /// offsets, and spaCy's rules refuse texts of 2^30 characters.
    public static let largestDocumentBytes = 1 << 30
    /// A compressed input that expands by more than this factor (past `ratioFloorBytes`) is skipped.
    public var maxCompressionRatio: Double
    /// Expansion below this many bytes is never treated as a bomb (tiny files compress oddly).
    public var ratioFloorBytes: Int
    /// How deep archives inside archives are opened; 0 reads only top-level archives' members.
    public var archiveDepth: Int
    /// A file whose share of invalid UTF-8 bytes exceeds this is binary (any NUL byte also is).
    public var maxInvalidUTF8Fraction: Double
    /// Documents whose text has fewer bytes than this after cleaning are skipped as empty.
    public var minTextBytes: Int

    public init(tasks: Int = 8, maxDocumentBytes: Int = 16 << 20, maxCompressionRatio: Double = 100,
                ratioFloorBytes: Int = 1 << 20, archiveDepth: Int = 2, maxInvalidUTF8Fraction: Double = 0.1,
                minTextBytes: Int = 1) {
        self.tasks = tasks
        self.maxDocumentBytes = maxDocumentBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioFloorBytes = ratioFloorBytes
        self.archiveDepth = archiveDepth
        self.maxInvalidUTF8Fraction = maxInvalidUTF8Fraction
        self.minTextBytes = minTextBytes
    }
}
