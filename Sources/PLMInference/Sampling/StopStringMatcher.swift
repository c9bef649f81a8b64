/// Finds stop strings in decoded text, as UTF-8 bytes: byte matching is exact (no Unicode
/// equivalence or grapheme rules), and since both the stop strings and the text are valid UTF-8, a
/// match can only begin on a character boundary.
struct StopStringMatcher: Sendable {
    let strings: [String]
    private let patterns: [[UInt8]]

    init(_ strings: [String]) {
        self.strings = strings
        patterns = strings.map { Array($0.utf8) }
    }

    var isEmpty: Bool { patterns.isEmpty }

    /// The match that completes first as the text grows: the smallest end, and among matches ending
    /// there the longest (earliest start). This is what streaming one byte at a time would report, so
    /// the result does not depend on how the text was split into tokens.
    func firstMatch(in text: [UInt8]) -> (start: Int, string: Int)? {
        var best: (start: Int, end: Int, string: Int)?
        for (index, pattern) in patterns.enumerated() {
            guard let start = Self.firstOccurrence(of: pattern, in: text) else { continue }
            let end = start + pattern.count
            if best == nil || end < best!.end || (end == best!.end && start < best!.start) {
                best = (start, end, index)
            }
        }
        return best.map { ($0.start, $0.string) }
    }

    /// The length of the longest end of `text` that is the beginning of some stop string (and could
    /// become a match with more text): what must be held back rather than output.
    func heldLength(_ text: [UInt8]) -> Int {
        var held = 0
        for pattern in patterns {
            var length = min(pattern.count - 1, text.count)
            while length > held {
                if text[(text.count - length)...].elementsEqual(pattern[..<length]) {
                    held = length
                    break
                }
                length -= 1
            }
        }
        return held
    }

    private static func firstOccurrence(of pattern: [UInt8], in text: [UInt8]) -> Int? {
        guard !pattern.isEmpty, pattern.count <= text.count else { return nil }
        for start in 0...(text.count - pattern.count)
        where text[start] == pattern[0] && text[start..<start + pattern.count].elementsEqual(pattern) {
            return start
        }
        return nil
    }
}
