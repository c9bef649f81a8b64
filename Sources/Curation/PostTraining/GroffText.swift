/// Just enough of groff's man macros to read a page's NAME and SYNOPSIS as plain text.
///
/// Limits: requests that define macros or strings (`.de`, `.ds`), conditionals (`.if`, `.ie`) and
/// tables are ignored, not evaluated; escapes are removed or replaced by the character they name,
/// never typeset. That is enough for the pages man-db, pod2man, help2man, docbook and asciidoc write.
enum GroffText {
    /// The page's lines with comments removed and `\`-continued lines joined.
    static func lines(of source: String) -> [String] {
        var result: [String] = []
        var pending = ""
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.hasPrefix(".\\\"") || line.hasPrefix("'\\\"") || line.hasPrefix(".\\#") { continue }
            line = withoutComment(line)
            // An unescaped backslash at the end joins the next line.
            if endsWithContinuation(line) {
                pending += line.dropLast()
                continue
            }
            result.append(pending + line)
            pending = ""
        }
        if !pending.isEmpty { result.append(pending) }
        return result
    }

    /// The lines of each `.SH` section, by upper-cased, unquoted title.
    static func sections(_ lines: [String]) -> [String: [String]] {
        var sections: [String: [String]] = [:]
        var current: String?
        for line in lines {
            if let (name, arguments) = request(line), name == "SH" {
                let title = arguments.joined(separator: " ").uppercased()
                current = sections[title] == nil ? title : nil  // a repeated title: keep the first
                if let current { sections[current] = [] }
            } else if let current {
                sections[current]!.append(line)
            }
        }
        return sections
    }

    /// A section's text as plain lines: fill mode joins input lines with spaces; `.br`, `.sp`, `.PP`
    /// and friends, blank lines and lines that start with a space break; `.nf` keeps lines as they are.
    static func render(_ lines: [String]) -> String {
        var output: [String] = []
        var current: [String] = []
        var fill = true
        func breakLine() {
            let line = current.joined(separator: " ").split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            if !line.isEmpty { output.append(line) }
            current = []
        }
        func add(_ text: String) {
            if fill { current.append(text) } else { breakLine(); current = [text]; breakLine() }
        }
        for line in lines {
            if let (name, arguments) = request(line) {
                switch name {
                case "B", "I", "SM", "SB": add(arguments.map(plain).joined(separator: " "))
                case "BR", "BI", "IB", "IR", "RB", "RI": add(arguments.map(plain).joined())
                case "OP": add("[" + arguments.map(plain).joined(separator: " ") + "]")
                case "SY":
                    breakLine()
                    add(arguments.map(plain).joined(separator: " "))
                case "nf", "EX":
                    breakLine()
                    fill = false
                case "fi", "EE":
                    breakLine()
                    fill = true
                case "br", "sp", "PP", "P", "LP", "HP", "TP", "IP", "TQ", "SS", "YS", "RS", "RE", "in", "ti", "ne", "bp":
                    breakLine()
                default: continue  // .IX, .ft, .ad, .na, .if, .ds and other requests: nothing to show
                }
            } else if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                breakLine()
            } else {
                if !fill {
                    breakLine()
                    output.append(plain(line).trimmingTrailingWhitespace())
                    continue
                }
                if line.first == " " || line.first == "\t" { breakLine() }
                add(plain(line))
            }
        }
        breakLine()
        return output.joined(separator: "\n")
    }

    /// A control line's macro name and arguments (quotes removed, escapes kept); nil for text.
    static func request(_ line: String) -> (String, [String])? {
        guard let first = line.first, first == "." || first == "'" else { return nil }
        let body = line.dropFirst().drop(while: { $0 == " " || $0 == "\t" })
        let name = body.prefix(while: { $0 != " " && $0 != "\t" })
        return (String(name), arguments(body.dropFirst(name.count)))
    }

    /// Macro arguments: split at spaces, double quotes group (`""` inside is a quote), escapes stay.
    static func arguments(_ text: Substring) -> [String] {
        var result: [String] = []
        var current = ""
        var quoted = false
        var hasToken = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if character == "\\" && index < text.endIndex {
                current.append(character)
                current.append(text[index])
                index = text.index(after: index)
                hasToken = true
            } else if character == "\"" {
                if quoted && index < text.endIndex && text[index] == "\"" {
                    current.append("\"")
                    index = text.index(after: index)
                } else {
                    quoted.toggle()
                }
                hasToken = true
            } else if (character == " " || character == "\t") && !quoted {
                if hasToken { result.append(current) }
                current = ""
                hasToken = false
            } else {
                current.append(character)
                hasToken = true
            }
        }
        if hasToken { result.append(current) }
        return result
    }

    private static func withoutComment(_ line: String) -> String {
        var escaped = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if escaped {
                if character == "\"" || character == "#" { return String(line[..<line.index(before: index)]) }
                escaped = false
            } else if character == "\\" {
                escaped = true
            }
            index = line.index(after: index)
        }
        return line
    }

    private static func endsWithContinuation(_ line: String) -> Bool {
        let backslashes = line.reversed().prefix(while: { $0 == "\\" }).count
        return backslashes % 2 == 1
    }
}
