/// Splits text into the pieces a split regex (`SplitPreset`) matches, by a hand-written scanner per
/// preset that reproduces the regex exactly: at each position the first alternative that matches
/// wins, quantifiers are greedy, and `\s+(?!\S)` gives back one scalar before a non-space. Every
/// scalar starts some alternative of each preset, so the pieces cover the text without gaps.
public struct PreTokenizer: Sendable {
    public let preset: SplitPreset
    private let classes: ScalarClassTable

    public init(preset: SplitPreset) {
        self.preset = preset
        self.classes = .shared
    }

    /// Calls body with consecutive byte ranges that exactly cover `utf8` (valid UTF-8), one per piece.
    /// Invalid UTF-8 is still covered exactly, in pieces that match no particular rule.
    public func split(_ utf8: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        guard let base = utf8.baseAddress, !utf8.isEmpty else { return }
        let scanner = PieceScanner(bytes: base, count: utf8.count, classes: classes)
        var start = 0
        switch preset {
        case .gpt2:
            while start < utf8.count {
                let end = scanner.gpt2PieceEnd(from: start)
                body(start..<end)
                start = end
            }
        case .llama3, .qwen2:
            let maxDigits = preset == .llama3 ? 3 : 1
            while start < utf8.count {
                let end = scanner.llamaPieceEnd(from: start, maxDigits: maxDigits)
                body(start..<end)
                start = end
            }
        }
    }

    /// The pieces of `text` as strings (for tests and inspection).
    public func pieces(_ text: String) -> [String] {
        var utf8 = Array(text.utf8)
        var result: [String] = []
        utf8.withUnsafeMutableBufferPointer { buffer in
            let bytes = UnsafeBufferPointer(buffer)
            split(bytes) { range in
                result.append(String(decoding: bytes[range], as: UTF8.self))
            }
        }
        return result
    }
}
