/// Turns ids into text one at a time for streaming output, holding back the bytes of a UTF-8
/// character that the ids so far end inside of (byte-level tokens often split a character), so that
/// the concatenated output equals `decode` of the whole stream and no character is broken in two.
public struct StreamingDecoder {
    private let tokenizer: BPETokenizer
    private var pending: [UInt8] = []

    public init(tokenizer: BPETokenizer) {
        self.tokenizer = tokenizer
    }

    /// The text that `id` completes (possibly empty). Bytes that can never become valid UTF-8 are
    /// released as U+FFFD right away.
    public mutating func append(_ id: Int32) -> String {
        tokenizer.appendBytes(of: id, to: &pending)
        let complete = pending.count - Self.incompleteSuffixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Whatever is still held back, decoded with U+FFFD for the unfinished character.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the trailing bytes that start a multi-byte character and could still be completed.
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        // Look back at most 3 bytes for the lead byte of the last character.
        var index = bytes.count - 1
        var continuations = 0
        while index >= 0, continuations < 3, bytes[index] & 0xC0 == 0x80 {
            continuations += 1
            index -= 1
        }
        guard index >= 0 else { return 0 }
        let lead = bytes[index]
        let needed: Int
        switch lead {
        case 0xC2...0xDF: needed = 1
        case 0xE0...0xEF: needed = 2
        case 0xF0...0xF4: needed = 3
        default: return 0   // ASCII or a byte that starts nothing: nothing to wait for
        }
        guard continuations < needed else { return 0 }
        // The second byte of some sequences has a narrower range; outside it, waiting cannot help.
        if continuations >= 1 {
            let second = bytes[index + 1]
            switch lead {
            case 0xE0 where second < 0xA0, 0xED where second > 0x9F, 0xF0 where second < 0x90, 0xF4 where second > 0x8F:
                return 0
            default: break
            }
        }
        return continuations + 1
    }
}
