/// Counters of one source within one task. Every input ends up in exactly one of `documents`
/// or `skipped` (a JSONL file or an archive counts per record or member).
public struct SourceStats: Codable, Sendable, Equatable {
    /// Top-level files opened.
    public var files = 0
    public var documents = 0
    /// Bytes of the top-level files as stored (compressed where they are).
    public var inputBytes = 0
    /// UTF-8 bytes of document text written.
    public var textBytes = 0
    /// Inputs skipped, by reason (`SkipReason` raw values).
    public var skipped: [String: Int] = [:]
    /// Text bytes of the skipped documents, by reason, where a stage knows them (dedup).
    public var skippedBytes: [String: Int] = [:]
    /// Documents written, by the language the language filter found (empty when it did not run).
    public var languages: [String: LanguageCount] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case files, documents, inputBytes = "input_bytes", textBytes = "text_bytes", skipped
        case skippedBytes = "skipped_bytes", languages
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(files, forKey: .files)
        try container.encode(documents, forKey: .documents)
        try container.encode(inputBytes, forKey: .inputBytes)
        try container.encode(textBytes, forKey: .textBytes)
        try container.encode(skipped, forKey: .skipped)
        try container.encode(skippedBytes, forKey: .skippedBytes)
        // Only the filter stage with a language filter has these: other stats files stay as they were.
        if !languages.isEmpty { try container.encode(languages, forKey: .languages) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        files = try container.decode(Int.self, forKey: .files)
        documents = try container.decode(Int.self, forKey: .documents)
        inputBytes = try container.decode(Int.self, forKey: .inputBytes)
        textBytes = try container.decode(Int.self, forKey: .textBytes)
        skipped = try container.decode([String: Int].self, forKey: .skipped)
        skippedBytes = try container.decodeIfPresent([String: Int].self, forKey: .skippedBytes) ?? [:]
        languages = try container.decodeIfPresent([String: LanguageCount].self, forKey: .languages) ?? [:]
    }

    public mutating func add(_ other: SourceStats) {
        files += other.files
        documents += other.documents
        inputBytes += other.inputBytes
        textBytes += other.textBytes
        skipped.merge(other.skipped, uniquingKeysWith: +)
        skippedBytes.merge(other.skippedBytes, uniquingKeysWith: +)
        languages.merge(other.languages) { $0.adding($1) }
    }
}

/// Documents and text bytes of one language.
public struct LanguageCount: Codable, Sendable, Equatable {
    public var documents = 0
    public var bytes = 0

    public init(documents: Int = 0, bytes: Int = 0) {
        self.documents = documents
        self.bytes = bytes
    }

    public mutating func add(bytes: Int) {
        documents += 1
        self.bytes += bytes
    }

    public func adding(_ other: LanguageCount) -> LanguageCount {
        LanguageCount(documents: documents + other.documents, bytes: bytes + other.bytes)
    }
}

/// What one task of a stage did: written as `<stage>/stats/<task>.json` before its completion marker.
public struct TaskStats: Codable, Sendable, Equatable {
    public var stage: String
    public var task: Int
    public var tasks: Int
    public var sources: [String: SourceStats]
    public var seconds: Double
    /// CPU time of the thread that ran the task (helpers it started are not counted).
    public var cpuSeconds: Double?
    /// The process's peak resident memory when the task ended (since its stage started; tasks of a
    /// stage run side by side, so this is shared by the stage's tasks).
    public var peakResidentBytes: Int?

    enum CodingKeys: String, CodingKey {
        case stage, task, tasks, sources, seconds, cpuSeconds = "cpu_seconds", peakResidentBytes = "peak_rss_bytes"
    }

    public init(stage: String, task: Int, tasks: Int, sources: [String: SourceStats] = [:], seconds: Double = 0) {
        self.stage = stage
        self.task = task
        self.tasks = tasks
        self.sources = sources
        self.seconds = seconds
    }
}
