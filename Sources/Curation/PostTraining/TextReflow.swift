/// Joins hard-wrapped lines of prose into paragraphs, for answers that read as chat, not as a file.
enum TextReflow {
    /// The lines joined with single spaces (inner runs of whitespace collapsed). A line that starts a
    /// list item ("1.", "(a)", "-", "*") starts a new line, so short lists keep their shape.
    static func paragraph(_ lines: [Substring]) -> String {
        var output: [String] = []
        for line in lines {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard !words.isEmpty else { continue }
            let joined = words.joined(separator: " ")
            if output.isEmpty || startsListItem(words[0]) {
                output.append(joined)
            } else {
                output[output.count - 1] += " " + joined
            }
        }
        return output.joined(separator: "\n")
    }

    /// "1.", "2)", "(a)", "a)", "-", "*", "o" (Debian's bullet) mark a list item.
    static func startsListItem(_ word: Substring) -> Bool {
        if word == "-" || word == "*" || word == "+" || word == "o" || word == "•" { return true }
        var body = word
        if body.hasPrefix("(") { body = body.dropFirst() }
        guard let last = body.last, last == "." || last == ")" else { return false }
        body = body.dropLast()
        guard !body.isEmpty, body.count <= 3 else { return false }
        return body.allSatisfy(\.isNumber) || (body.count == 1 && body.first!.isLetter && body.first!.isLowercase)
    }

    /// First letter upper-cased and a full stop added when the text ends without punctuation.
    static func sentence(_ text: String) -> String {
        var result = text.trimmingWhitespace()
        guard let first = result.first else { return result }
        result = first.uppercased() + result.dropFirst()
        if let last = result.last, !".!?".contains(last) { result += "." }
        return result
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let end = lastIndex(where: { !$0.isWhitespace })!
        return String(self[start...end])
    }
}
