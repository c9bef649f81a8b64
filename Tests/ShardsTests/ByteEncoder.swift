@testable import Shards

/// A deterministic stand-in tokenizer: each UTF-8 byte is its own id (0-255), and three special
/// tokens follow (256 `<|endoftext|>`, 257 `<|im_start|>`, 258 `<|im_end|>`).
struct ByteEncoder: TextEncoder {
    static let specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    var vocabularySize: Int = 259

    func encode(_ text: String, allowSpecial: Bool) -> [Int32] {
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

    func specialTokenID(_ content: String) -> Int32? { Self.specials.firstIndex(of: content).map { 256 + Int32($0) } }

    func decode(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        var text = ""
        for id in ids {
            if id >= 256 {
                text += String(decoding: bytes, as: UTF8.self) + Self.specials[Int(id) - 256]
                bytes = []
            } else {
                bytes.append(UInt8(id))
            }
        }
        return text + String(decoding: bytes, as: UTF8.self)
    }
}

/// `count` text documents of one source; document i is "<source>-<i>: " then pseudo-random
/// lowercase filler (no two stretches alike), `length(i)` bytes in all.
func textDocuments(source: String, count: Int, length: (Int) -> Int) -> [PackDocument] {
    var random = SeededRandom(seed: UInt64(source.utf8.count))
    return (0..<count).map { i in
        let head = "\(source)-\(i): "
        let filler = String((0..<max(0, length(i) - head.count)).map { _ in Character(Unicode.Scalar(UInt8(97 + random.below(26)))) })
        return PackDocument(id: "\(source)/\(i)", source: source, content: .text(head + filler))
    }
}

/// Every sample of a folder.
func allSamples(_ directory: String) throws -> [ShardSample] {
    let reader = try ShardReader(directory: directory)
    return try (0..<reader.sampleCount).map { try reader.sample(at: $0) }
}
