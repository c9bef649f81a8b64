/// A tokenizer-free stand-in: each UTF-8 byte is its own id (0-255), followed by the three special
/// tokens packing needs (256 `<|endoftext|>`, 257 `<|im_start|>`, 258 `<|im_end|>`). For tests,
/// benchmarks and runs made before the tokenizer stage exists (`plm pack --byte-tokens`).
public struct ByteTokenEncoder: TextEncoder {
    public static let specials = [ChatTemplate.endOfText, ChatTemplate.startMarker, ChatTemplate.endMarker]
    public var vocabularySize: Int

    /// `vocabularySize` may be raised (never lowered below 259) to exercise wide token columns.
    public init(vocabularySize: Int = 259) {
        self.vocabularySize = max(259, vocabularySize)
    }

    public func encode(_ text: String, allowSpecial: Bool) -> [Int32] {
        guard allowSpecial else { return text.utf8.map { Int32($0) } }
        var result: [Int32] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if let (index, special) = Self.specials.enumerated().first(where: { rest.hasPrefix($0.element) }) {
                result.append(256 + Int32(index))
                rest = rest.dropFirst(special.count)
            } else {
                result += String(rest.first!).utf8.map { Int32($0) }
                rest = rest.dropFirst()
            }
        }
        return result
    }

    public func specialTokenID(_ content: String) -> Int32? { Self.specials.firstIndex(of: content).map { 256 + Int32($0) } }

    public func decode(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        var text = ""
        for id in ids {
            if (0..<256).contains(id) {
                bytes.append(UInt8(id))
            } else {
                text += String(decoding: bytes, as: UTF8.self)
                text += (256..<259).contains(id) ? Self.specials[Int(id) - 256] : "<|\(id)|>"
                bytes = []
            }
        }
        return text + String(decoding: bytes, as: UTF8.self)
    }
}
