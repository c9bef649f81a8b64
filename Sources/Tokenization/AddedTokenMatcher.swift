/// Finds added tokens (special tokens and other user-added tokens) in text, as Hugging Face's added
/// vocabulary does: leftmost-longest, non-overlapping matches on the exact bytes of the content.
/// `single_word` rejects a match touching a word character; `lstrip` / `rstrip` make the match swallow
/// the whitespace on that side. Added tokens are few, so candidates are indexed by first byte and
/// compared directly.
struct AddedTokenMatcher: Sendable {
    struct Entry: Sendable {
        var bytes: [UInt8]
        var id: Int32
        var token: AddedToken
    }

    /// A match: `span` is what the token replaces in the text (its content plus stripped whitespace).
    struct Match {
        var span: Range<Int>
        var id: Int32
    }

    /// Entries by first byte, longest content first.
    private let candidates: [[Entry]]
    let isEmpty: Bool

    init(_ tokens: [AddedToken]) {
        var byFirstByte = [[Entry]](repeating: [], count: 256)
        for token in tokens where !token.content.isEmpty {
            let bytes = Array(token.content.utf8)
            byFirstByte[Int(bytes[0])].append(Entry(bytes: bytes, id: Int32(token.id), token: token))
        }
        for index in byFirstByte.indices {
            // Stable order for equal lengths: the lower id first.
            byFirstByte[index].sort { ($0.bytes.count, -$0.id) > ($1.bytes.count, -$1.id) }
        }
        candidates = byFirstByte
        isEmpty = tokens.allSatisfy { $0.content.isEmpty }
    }

    /// Calls `text` for each stretch between matches and `token` for each match, in order, covering
    /// `bytes` exactly (stretches may be empty only when never reported: empty ones are skipped).
    func split(_ bytes: UnsafeBufferPointer<UInt8>, text: (Range<Int>) -> Void, token: (Int32) -> Void) {
        var textStart = 0
        var position = 0
        let count = bytes.count
        while position < count {
            let list = candidates[Int(bytes[position])]
            guard !list.isEmpty, let entry = longestMatch(in: list, bytes, at: position) else {
                position += 1
                continue
            }
            let end = position + entry.bytes.count
            if entry.token.singleWord, !isWordBoundary(bytes, before: position, after: end) {
                position = end
                continue
            }
            var spanStart = position
            var spanEnd = end
            if entry.token.lstrip {
                while spanStart > textStart, let length = whitespaceLength(bytes, endingAt: spanStart) {
                    spanStart -= length
                }
            }
            if entry.token.rstrip {
                while spanEnd < count, let length = whitespaceLength(bytes, startingAt: spanEnd) { spanEnd += length }
            }
            if spanStart > textStart { text(textStart..<spanStart) }
            token(entry.id)
            textStart = spanEnd
            position = spanEnd
        }
        if textStart < count { text(textStart..<count) }
    }

    private func longestMatch(in list: [Entry], _ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Entry? {
        let remaining = bytes.count - position
        for entry in list where entry.bytes.count <= remaining {
            var equal = true
            for offset in 1..<entry.bytes.count where bytes[position + offset] != entry.bytes[offset] {
                equal = false
                break
            }
            if equal { return entry }
        }
        return nil
    }

    // MARK: Word and whitespace tests on UTF-8

    private func isWordBoundary(_ bytes: UnsafeBufferPointer<UInt8>, before start: Int, after end: Int) -> Bool {
        if start > 0, let scalar = scalar(bytes, endingAt: start), isWordCharacter(scalar) { return false }
        if end < bytes.count, let scalar = scalar(bytes, startingAt: end), isWordCharacter(scalar) { return false }
        return true
    }

    private func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private func whitespaceLength(_ bytes: UnsafeBufferPointer<UInt8>, endingAt end: Int) -> Int? {
        guard let scalar = scalar(bytes, endingAt: end), scalar.properties.isWhitespace else { return nil }
        return UTF8.width(scalar)
    }

    private func whitespaceLength(_ bytes: UnsafeBufferPointer<UInt8>, startingAt start: Int) -> Int? {
        guard let scalar = scalar(bytes, startingAt: start), scalar.properties.isWhitespace else { return nil }
        return UTF8.width(scalar)
    }

    private func scalar(_ bytes: UnsafeBufferPointer<UInt8>, startingAt start: Int) -> Unicode.Scalar? {
        var iterator = bytes[start...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return nil
    }

    private func scalar(_ bytes: UnsafeBufferPointer<UInt8>, endingAt end: Int) -> Unicode.Scalar? {
        var start = end - 1
        while start > 0, end - start < 4, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return scalar(bytes, startingAt: start)
    }
}
