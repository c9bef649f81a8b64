/// Distinct words (pre-tokenized pieces as raw bytes) with how often each occurs: what the BPE
/// trainer learns from. Words are stored back to back in one byte array.
public struct WordCounts: Sendable, Equatable {
    /// Every word's bytes, back to back.
    public private(set) var bytes: [UInt8]
    /// Word `i` is `bytes[offsets[i]..<offsets[i + 1]]`; `offsets.count` is one more than the words.
    public private(set) var offsets: [Int]
    /// How often word `i` occurs (at least 1).
    public private(set) var counts: [Int]

    public init(bytes: [UInt8], offsets: [Int], counts: [Int]) {
        precondition(offsets.count == counts.count + 1 && offsets.first == 0 && offsets.last == bytes.count,
                     "word offsets must cover the bytes")
        self.bytes = bytes
        self.offsets = offsets
        self.counts = counts
    }

    /// Words given as strings (their UTF-8 bytes) with counts; equal strings are added together.
    public init(_ words: [String: Int]) {
        var table = WordCountTable(capacity: words.count)
        // Sorted so that the word order, which nothing depends on, is at least reproducible.
        for (word, count) in words.sorted(by: { $0.key < $1.key }) where count > 0 {
            table.add(Array(word.utf8), count: count)
        }
        self = table.wordCounts()
    }

    public var distinctWords: Int { counts.count }

    /// Occurrences of all words together.
    public var totalWords: Int { counts.reduce(0, +) }

    /// The bytes of word `index`.
    public func word(_ index: Int) -> ArraySlice<UInt8> { bytes[offsets[index]..<offsets[index + 1]] }
}
