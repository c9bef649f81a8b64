import CorpusIO
@testable import Shards

/// The stand-in tokenizer the tests pack with (bytes, then three specials at 256-258).
typealias ByteEncoder = ByteTokenEncoder

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
