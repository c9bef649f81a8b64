/// Why an input (file, stanza, page, definition) gave no record.
public enum PostTrainingSkipReason: String, Sendable, CaseIterable, Codable, Comparable {
    /// The file could not be opened, read or decompressed, or is larger than the size cap.
    case unreadable
    /// The bytes are not valid UTF-8.
    case notUTF8 = "not_utf8"
    /// Folder walk: a link loop, a dangling link, a device or a folder that could not be listed.
    case walkProblem = "walk_problem"
    /// A link to another file in the same folder: the target is read once, under its own name.
    case alias
    /// dpkg status: a stanza that breaks the RFC 822 form (a continuation line first, a line without a colon, no Package).
    case malformedStanza = "malformed_stanza"
    /// dpkg status: a package whose name was already seen (another architecture).
    case duplicatePackage = "duplicate_package"
    /// dpkg status: a package without a Description field.
    case noDescription = "no_description"
    /// Man page: only a `.so` redirect to another page.
    case redirect
    /// Man page: no `.SH NAME` section, or one without a `name - description` line.
    case noNameSection = "no_name_section"
    /// Man page: written with mdoc macros (`.Sh`, `.Nm`, `.Nd`), which this reader does not render.
    case mdocFormat = "mdoc_format"
    /// Man page: no SYNOPSIS section, or one that renders to nothing (the NAME record is still made).
    case noSynopsis = "no_synopsis"
    /// Python: a documented definition whose name (or enclosing class) starts with `_`.
    case privateName = "private_name"
    /// Python: a docstring whose first paragraph is shorter than the minimum.
    case shortDocstring = "short_docstring"
    /// License: no substantive paragraph found.
    case noParagraph = "no_paragraph"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// What one generation run read, made and skipped.
public struct PostTrainingStats: Sendable, Equatable {
    /// Input files opened (after globbing, walking and removing aliases).
    public var filesRead = 0
    /// Records made.
    public var records = 0
    /// Skipped inputs by reason.
    public var skipped: [PostTrainingSkipReason: Int] = [:]
    /// The first few skips with their file and detail, for a log (capped so a bad folder cannot flood it).
    public var notes: [String] = []
    static let noteLimit = 200

    public init() {}

    /// Counts one skip and keeps its detail while there is room (generators call this for bad input).
    public mutating func skip(_ reason: PostTrainingSkipReason, _ detail: String) {
        skipped[reason, default: 0] += 1
        if notes.count < Self.noteLimit { notes.append("skip \(reason.rawValue) \(detail)") }
    }

    /// Total number of skips over all reasons.
    public var skippedCount: Int { skipped.values.reduce(0, +) }
}

/// Records made by one generation run, with its counters.
public struct PostTrainingOutput: Sendable, Equatable {
    public var records: [ChatRecord]
    public var stats: PostTrainingStats

    public init(records: [ChatRecord], stats: PostTrainingStats) {
        self.records = records
        self.stats = stats
    }
}

/// A request the generators cannot serve: the only errors they throw (bad input is skipped and counted).
public enum PostTrainingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A path named explicitly that does not exist (or a glob that matches nothing).
    case missingPath(String)
    /// Paths given to a generator that reads none (arithmetic).
    case pathsNotAccepted(generator: String)

    public var description: String {
        switch self {
        case .missingPath(let path): "post-training input \(path) does not exist (or the pattern matched nothing)"
        case .pathsNotAccepted(let generator): "the \(generator) generator reads no input paths"
        }
    }
}
