/// The matching code behind `PreTokenizer`: given a piece's first byte offset, each `...PieceEnd`
/// returns the offset just past the piece the preset's regex matches there. Decodes one scalar at a
/// time; the pieces are meaningful for valid UTF-8 only, but any bytes are covered without reading
/// past the end.
struct PieceScanner {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    let classes: ScalarClassTable

    private static let apostrophe = UInt8(ascii: "'")
    private static let space = UInt8(ascii: " ")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
    /// Class given to "the scalar after the end of the text", equal to no real class.
    private static let endOfText: UInt8 = 0xFF

    // MARK: gpt2
    // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+

    func gpt2PieceEnd(from start: Int) -> Int {
        if let end = contractionEnd(from: start, ignoringCase: false) { return end }
        let (first, firstLength) = scalar(at: start)
        // ` ?X+` for X in letter, number, other: a space joins a following run of any non-space class.
        if bytes[start] == Self.space, start + 1 < count {
            let (next, nextLength) = scalar(at: start + 1)
            if next != ScalarClass.space { return run(of: next, from: start + 1 + nextLength) }
        }
        if first != ScalarClass.space { return run(of: first, from: start + firstLength) }
        return whitespaceEnd(from: start, firstLength: firstLength, stopAfterLineBreak: false)
    }

    // MARK: llama3 and qwen2
    // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,maxDigits}
    // | ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+

    func llamaPieceEnd(from start: Int, maxDigits: Int) -> Int {
        if let end = contractionEnd(from: start, ignoringCase: true) { return end }
        let firstByte = bytes[start]
        let (first, firstLength) = scalar(at: start)
        let afterFirst = start + firstLength
        if first == ScalarClass.letter { return run(of: ScalarClass.letter, from: afterFirst) }
        if first == ScalarClass.number { return digitsEnd(from: afterFirst, remaining: maxDigits - 1) }

        let (next, nextLength) = afterFirst < count ? scalar(at: afterFirst) : (Self.endOfText, 0)
        // [^\r\n\p{L}\p{N}]?\p{L}+ with the optional scalar present (first is other or a space).
        if next == ScalarClass.letter, firstByte != Self.carriageReturn, firstByte != Self.lineFeed {
            return run(of: ScalarClass.letter, from: afterFirst + nextLength)
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        if first == ScalarClass.other {
            return lineBreaksEnd(from: run(of: ScalarClass.other, from: afterFirst))
        }
        if firstByte == Self.space, next == ScalarClass.other {
            return lineBreaksEnd(from: run(of: ScalarClass.other, from: afterFirst + nextLength))
        }
        return whitespaceEnd(from: start, firstLength: firstLength, stopAfterLineBreak: true)
    }

    // MARK: Shared pieces

    /// `\s+(?!\S)|\s+` from a whitespace scalar; with `stopAfterLineBreak`, `\s*[\r\n]+` is tried
    /// first: when the run holds a CR or LF, the piece ends just after the last one.
    private func whitespaceEnd(from start: Int, firstLength: Int, stopAfterLineBreak: Bool) -> Int {
        var lastStart = start
        var afterLastLineBreak = -1
        var position = start
        var length = firstLength
        while true {
            if stopAfterLineBreak, bytes[position] == Self.carriageReturn || bytes[position] == Self.lineFeed {
                afterLastLineBreak = position + 1
            }
            lastStart = position
            position += length
            guard position < count else { break }
            let (cls, nextLength) = scalar(at: position)
            guard cls == ScalarClass.space else { break }
            length = nextLength
        }
        if afterLastLineBreak >= 0 { return afterLastLineBreak }
        // At the end of the text the whole run matches; before a non-space, `\s+(?!\S)` gives back the
        // last scalar, and a single scalar falls through to `\s+`.
        if position == count || lastStart == start { return position }
        return lastStart
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d`, optionally ignoring case (ASCII letters; the Unicode case folds of
    /// these letters that are not ASCII are handled below).
    private func contractionEnd(from start: Int, ignoringCase: Bool) -> Int? {
        guard bytes[start] == Self.apostrophe, start + 1 < count else { return nil }
        let fold: UInt8 = ignoringCase ? 0x20 : 0
        let second = bytes[start + 1] | fold
        switch second {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return start + 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"), UInt8(ascii: "l"):
            guard start + 2 < count else { return nil }
            let third = bytes[start + 2] | fold
            if second == UInt8(ascii: "l") ? third == UInt8(ascii: "l") : third == UInt8(ascii: "e") {
                return start + 3
            }
            return nil
        default:
            // U+017F LATIN SMALL LETTER LONG S case-folds to "s".
            if ignoringCase, bytes[start + 1] == 0xC5, start + 2 < count, bytes[start + 2] == 0xBF {
                return start + 3
            }
            return nil
        }
    }

    /// End of the maximal run of scalars of class `cls` starting at `start`.
    @inline(__always) private func run(of cls: UInt8, from start: Int) -> Int {
        var position = start
        while position < count {
            let (next, length) = scalar(at: position)
            guard next == cls else { break }
            position += length
        }
        return position
    }

    /// End of up to `remaining` more number scalars.
    private func digitsEnd(from start: Int, remaining: Int) -> Int {
        var position = start
        var left = remaining
        while left > 0, position < count {
            let (next, length) = scalar(at: position)
            guard next == ScalarClass.number else { break }
            position += length
            left -= 1
        }
        return position
    }

    /// End of a run of CR and LF bytes (`[\r\n]*`).
    private func lineBreaksEnd(from start: Int) -> Int {
        var position = start
        while position < count, bytes[position] == Self.carriageReturn || bytes[position] == Self.lineFeed {
            position += 1
        }
        return position
    }

    /// Class and UTF-8 length of the scalar starting at `offset`. On invalid UTF-8 the class is
    /// meaningless, but reads stay inside the buffer: a sequence cut off by the end is one "other" byte.
    @inline(__always) private func scalar(at offset: Int) -> (UInt8, Int) {
        let lead = bytes[offset]
        if lead < 0x80 { return (classes.ascii(lead), 1) }
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        if offset + length > count { return (ScalarClass.other, 1) }
        if lead < 0xE0 {
            let value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[offset + 1] & 0x3F)
            return (classes.of(value), 2)
        }
        if lead < 0xF0 {
            let value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[offset + 1] & 0x3F) << 6
                | UInt32(bytes[offset + 2] & 0x3F)
            return (classes.of(value), 3)
        }
        let value = UInt32(lead & 0x07) << 18 | UInt32(bytes[offset + 1] & 0x3F) << 12
            | UInt32(bytes[offset + 2] & 0x3F) << 6 | UInt32(bytes[offset + 3] & 0x3F)
        return (classes.of(value), 4)
    }
}
