/// Scores a model's response against a task's exact answer: 1 for right, 0 for wrong, and values
/// in between for scorers that give partial credit.
public protocol AnswerScorer: Sendable {
    func score(response: String, answer: String) -> Double
}

/// The arithmetic rule: the integer after the last "Answer:" (else the last integer in the
/// response) must equal the answer exactly.
public struct ArithmeticScorer: AnswerScorer {
    public init() {}

    public func score(response: String, answer: String) -> Double {
        ArithmeticTask.score(response: response, answer: answer) ? 1 : 0
    }
}

extension ArithmeticTask {
    /// The integer after the last "Answer:" (any case; a `+` or `-` sign and `,` thousands
    /// separators allowed), else the last integer anywhere in the text; nil when there is none.
    /// Returned in canonical form: no leading zeros, no `+`, no `-0`.
    public static func extractAnswer(from response: String) -> String? {
        let characters = Array(response)
        let lowered = Array(response.lowercased())
        let marker = Array("answer:")
        if lowered.count == characters.count,
           let start = stride(from: lowered.count - marker.count, through: 0, by: -1).first(where: {
               lowered[$0..<$0 + marker.count].elementsEqual(marker)
           }) {
            var index = start + marker.count
            while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
            if let number = integer(in: characters, at: index) { return number.text }
        }
        var index = characters.count - 1
        while index >= 0 {
            if characters[index].isASCII && characters[index].isNumber {
                var start = index
                while start > 0, characters[start - 1].isASCII, characters[start - 1].isNumber || characters[start - 1] == "," { start -= 1 }
                while characters[start] == "," { start += 1 }
                // A minus sign counts when it is not between two words or numbers ("5-3" is not "-3").
                if start > 0, characters[start - 1] == "-",
                   start == 1 || !(characters[start - 2].isLetter || characters[start - 2].isNumber) {
                    start -= 1
                }
                return integer(in: characters, at: start)?.text
            }
            index -= 1
        }
        return nil
    }

    /// True when the response's extracted integer equals the answer exactly.
    public static func score(response: String, answer: String) -> Bool {
        guard let extracted = extractAnswer(from: response) else { return false }
        return extracted == (integer(in: Array(answer.trimmingWhitespace()), at: 0)?.text ?? answer)
    }

    /// A signed decimal integer starting at `index` (commas between digits skipped), canonical.
    private static func integer(in characters: [Character], at index: Int) -> (text: String, end: Int)? {
        var position = index
        var negative = false
        if position < characters.count, characters[position] == "-" || characters[position] == "+" {
            negative = characters[position] == "-"
            position += 1
        }
        var digits = ""
        while position < characters.count {
            let character = characters[position]
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else if character == ",", !digits.isEmpty, position + 1 < characters.count,
                      characters[position + 1].isASCII, characters[position + 1].isNumber {
                // thousands separator
            } else {
                break
            }
            position += 1
        }
        guard !digits.isEmpty else { return nil }
        let trimmed = String(digits.drop(while: { $0 == "0" }))
        let magnitude = trimmed.isEmpty ? "0" : trimmed
        return ((negative && magnitude != "0" ? "-" : "") + magnitude, position)
    }
}
