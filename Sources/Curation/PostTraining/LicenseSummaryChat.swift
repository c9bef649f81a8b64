/// Chat records from license texts (`/usr/share/common-licenses/*`), named by their file ("GPL-3").
///
/// Rules:
/// - The text is split into paragraphs at blank lines. The title is the first paragraph when it is
///   a header: every line centred (indented 8 columns or more), or one short line (under 50
///   characters) with or without an underline (`====`).
/// - The first substantive paragraph is the first after the title that is not a header, not a
///   single line, not a copyright or copying notice and not mostly capitals (a shouted disclaimer); it is
///   reflowed into one line (list items keep their own lines).
/// - "What is the <name> license?" -> the title lines, a blank line, the paragraph. When there is a
///   title, a second record asks for the license's full title. No paragraph: no record (counted).
/// - A link to another license in the same folder (`GPL` -> `GPL-3`) is read once, under the target's name.
public struct LicenseSummaryChat: ChatRecordGenerator {
    public let name = "license-summaries"

    public init() {}

    public func keeps(relativePath: String) -> Bool { true }

    public func records(fromText text: String, file: String, relativePath: String,
                        stats: inout PostTrainingStats) -> [ChatRecord] {
        let license = String(relativePath.split(separator: "/").last ?? "")
        let paragraphs = Self.paragraphs(text)
        var rest = paragraphs[...]
        var title: [String] = []
        if let first = rest.first, Self.isHeader(first), !Self.isCopyright(first) {
            title = first.filter { !Self.isRule($0) }.map { $0.trimmingWhitespace() }
            rest = rest.dropFirst()
        }
        guard let body = rest.first(where: Self.isSubstantive) else {
            stats.skip(.noParagraph, file)
            return []
        }
        let answer = (title.isEmpty ? "" : title.joined(separator: "\n") + "\n\n") + TextReflow.paragraph(body)
        var records = [ChatRecord(id: "\(name)/\(file)#0", user: "What is the \(license) license?", assistant: answer)]
        if !title.isEmpty {
            records.append(ChatRecord(id: "\(name)/\(file)#1", user: "What is the full title of the \(license) license?",
                                      assistant: title.joined(separator: ", ")))
        }
        return records
    }

    /// Runs of non-blank lines.
    static func paragraphs(_ text: String) -> [[Substring]] {
        var paragraphs: [[Substring]] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { paragraphs.append(current) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { paragraphs.append(current) }
        return paragraphs
    }

    static func isHeader(_ paragraph: [Substring]) -> Bool {
        let text = paragraph.filter { !isRule($0) }
        if text.count <= 1 && (text.first?.trimmingWhitespace().count ?? 0) < 50 { return true }
        return paragraph.allSatisfy { PythonDefinitions.indentation($0) >= 8 }
    }

    /// A line of `=`, `-`, `_`, `*` or `~` only: a heading's underline or a separator.
    static func isRule(_ line: Substring) -> Bool {
        let body = line.trimmingWhitespace()
        return !body.isEmpty && body.allSatisfy { "=-_*~".contains($0) }
    }

    /// A copyright line, or the FSF's "Everyone is permitted to copy ..." notice under it.
    static func isCopyright(_ paragraph: [Substring]) -> Bool {
        let first = paragraph.first?.trimmingWhitespace().lowercased() ?? ""
        return first.hasPrefix("copyright") || first.hasPrefix("everyone is permitted to copy")
    }

    static func isSubstantive(_ paragraph: [Substring]) -> Bool {
        guard paragraph.count > 1, !isHeader(paragraph), !isCopyright(paragraph) else { return false }
        let letters = paragraph.joined().filter(\.isLetter)
        return letters.filter(\.isUppercase).count * 2 < letters.count
    }
}
