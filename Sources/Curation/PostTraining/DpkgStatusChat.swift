import CorpusIO

/// Chat records from dpkg's database of installed packages (`/var/lib/dpkg/status`).
///
/// Rules:
/// - The file is RFC 822 stanzas separated by blank lines; a line starting with a space or tab
///   continues the field above it. A stanza whose first line is a continuation, that has a line
///   without a colon, or that has no `Package` field is malformed: skipped and counted.
/// - One record per package with a `Description`: the first line is the synopsis; in the
///   continuation lines " ." is a paragraph break, a line starting with one space is prose
///   (reflowed into its paragraph) and a line starting with two or more spaces is verbatim.
/// - The user asks what the package is for, in one of a few phrasings picked by a hash of the seed
///   and the package name (the same seed always asks the same way); the assistant answers with the
///   synopsis as a sentence, then the long description's paragraphs.
/// - A package seen twice (one stanza per architecture) gives one record; one without a
///   description gives none. Both are counted.
public struct DpkgStatusChat: ChatRecordGenerator {
    public let name = "dpkg-descriptions"
    public var seed: UInt64

    public init(seed: UInt64 = 0) { self.seed = seed }

    static let questions: [@Sendable (String) -> String] = [
        { "What is the Debian package \($0) for?" },
        { "What does the \($0) package do?" },
        { "I see \($0) installed on my Debian system. What is it?" },
        { "Can you explain what the package \($0) provides?" },
    ]

    public func keeps(relativePath: String) -> Bool { true }

    public func records(fromText text: String, file: String, relativePath: String,
                        stats: inout PostTrainingStats) -> [ChatRecord] {
        var records: [ChatRecord] = []
        var seen = Set<String>()
        for (index, stanza) in Self.stanzas(text).enumerated() {
            guard let fields = Self.fields(of: stanza), let package = fields["Package"]?.trimmingWhitespace(), !package.isEmpty else {
                stats.skip(.malformedStanza, "\(file) stanza \(index + 1)")
                continue
            }
            guard seen.insert(package).inserted else {
                stats.skip(.duplicatePackage, "\(file) \(package)")
                continue
            }
            guard let description = fields["Description"], let answer = Self.answer(description: description) else {
                stats.skip(.noDescription, "\(file) \(package)")
                continue
            }
            records.append(ChatRecord(id: "\(name)/\(file)#\(records.count)", user: question(package: package), assistant: answer))
        }
        return records
    }

    /// The question for a package: the phrasing is a function of (seed, name) only.
    func question(package: String) -> String {
        let pick = Int(XXHash.xxh64(package, seed: seed) % UInt64(Self.questions.count))
        return Self.questions[pick](package)
    }

    /// Stanzas as lists of lines, split at blank lines.
    static func stanzas(_ text: String) -> [[Substring]] {
        var stanzas: [[Substring]] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                if !current.isEmpty { stanzas.append(current) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { stanzas.append(current) }
        return stanzas
    }

    /// Field name -> value (continuation lines kept, joined by "\n", leading space included); nil when malformed.
    static func fields(of stanza: [Substring]) -> [String: String]? {
        var fields: [String: String] = [:]
        var last: String?
        for line in stanza {
            if line.first == " " || line.first == "\t" {
                guard let name = last else { return nil }
                fields[name, default: ""] += "\n" + line
            } else {
                guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return nil }
                let name = String(line[..<colon])
                fields[name] = String(line[line.index(after: colon)...])
                last = name
            }
        }
        return fields
    }

    /// Synopsis as a sentence, then the long description's paragraphs; nil when both are empty.
    static func answer(description: String) -> String? {
        let lines = description.split(separator: "\n", omittingEmptySubsequences: false)
        let synopsis = lines[0].trimmingWhitespace()
        var paragraphs: [String] = []
        var prose: [Substring] = []
        var verbatim: [String] = []
        func finish() {
            if !prose.isEmpty { paragraphs.append(TextReflow.paragraph(prose)) }
            if !verbatim.isEmpty { paragraphs.append(verbatim.joined(separator: "\n")) }
            prose = []
            verbatim = []
        }
        for line in lines.dropFirst() {
            let body = line.dropFirst()  // the continuation's leading space
            if body.trimmingWhitespace() == "." {
                finish()
            } else if body.first == " " || body.first == "\t" {
                if !prose.isEmpty { finish() }
                verbatim.append(String(body).trimmingTrailingWhitespace())
            } else {
                if !verbatim.isEmpty { finish() }
                prose.append(body)
            }
        }
        finish()
        paragraphs.removeAll { $0.isEmpty }
        if synopsis.isEmpty && paragraphs.isEmpty { return nil }
        let head = synopsis.isEmpty ? [] : [TextReflow.sentence(synopsis)]
        return (head + paragraphs).joined(separator: "\n\n")
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        guard let end = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[...end])
    }
}
