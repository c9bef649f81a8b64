/// Chat records from man page sources (`/usr/share/man/man1/*.1.gz`, groff `man` macros).
///
/// Rules:
/// - `.gz` (and `.xz`, `.bz2`, `.zst`) pages are decompressed through libarchive, as ingest does.
/// - NAME ("foo, bar \- does x"): the name asked about is the one matching the file's name
///   ("ls" for `ls.1.gz`), else the first; the text after the first " - " (or em/en dash) is the
///   answer to "What does the command foo do?", as a sentence.
/// - SYNOPSIS, reduced to plain text (fonts, sizes and other escapes removed, `.B`/`.I`/`.BR`/
///   `.OP` macros rendered, line breaks kept where groff would break), answers "How do I run foo?".
///   A synopsis longer than `maxSynopsisCharacters` or empty makes no record (counted).
/// - Pages that are only a `.so` redirect, mdoc pages (`.Sh`) and pages without a usable NAME are
///   skipped and counted.
public struct ManPageChat: ChatRecordGenerator {
    public let name = "man-pages"
    /// Longer synopses (gcloud's lists of every flag) teach a small model little but length.
    public var maxSynopsisCharacters: Int

    public init(maxSynopsisCharacters: Int = 1500) { self.maxSynopsisCharacters = maxSynopsisCharacters }

    public func keeps(relativePath: String) -> Bool { true }

    public func records(fromText text: String, file: String, relativePath: String,
                        stats: inout PostTrainingStats) -> [ChatRecord] {
        let lines = GroffText.lines(of: text)
        let sections = GroffText.sections(lines)
        guard let nameLines = sections["NAME"] else {
            if lines.contains(where: { $0.hasPrefix(".so ") || $0 == ".so" }) {
                stats.skip(.redirect, file)
            } else if lines.contains(where: { $0.hasPrefix(".Sh ") || $0.hasPrefix(".Dd") }) {
                stats.skip(.mdocFormat, file)
            } else {
                stats.skip(.noNameSection, file)
            }
            return []
        }
        guard let (names, description) = Self.nameLine(GroffText.render(nameLines)) else {
            stats.skip(.noNameSection, "\(file): no 'name - description' line")
            return []
        }
        let command = Self.pick(names, forFile: relativePath)
        var records = [ChatRecord(id: "\(name)/\(file)#0", user: "What does the command \(command) do?",
                                  assistant: TextReflow.sentence(description))]
        let synopsis = sections["SYNOPSIS"].map(GroffText.render) ?? ""
        if synopsis.isEmpty || synopsis.count > maxSynopsisCharacters {
            stats.skip(.noSynopsis, "\(file): synopsis of \(synopsis.count) characters")
        } else {
            records.append(ChatRecord(id: "\(name)/\(file)#1", user: "How do I run \(command)?", assistant: synopsis))
        }
        return records
    }

    /// "ls, dir - list directory contents" -> (["ls", "dir"], "list directory contents"), split at
    /// the first spaced dash (so "lwp-request - ..." keeps its hyphen).
    static func nameLine(_ text: String) -> ([String], String)? {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let dashes = [" - ", " — ", " – "].compactMap { flat.firstRange(of: $0) }
        guard let split = dashes.min(by: { $0.lowerBound < $1.lowerBound }) else { return nil }
        let names = flat[..<split.lowerBound].split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        let description = flat[split.upperBound...].trimmingWhitespace()
        guard !names.isEmpty, !description.isEmpty else { return nil }
        return (names, description)
    }

    /// The name matching the file ("ls.1.gz" -> "ls", "python3.11.1.gz" -> "python3.11"), else the first.
    static func pick(_ names: [String], forFile relativePath: String) -> String {
        let base = PostTrainingInputs.withoutCompressionSuffix(String(relativePath.split(separator: "/").last ?? ""))
        let stem = base.lastIndex(of: ".").map { String(base[..<$0]) } ?? base
        return names.contains(stem) ? stem : names[0]
    }
}
