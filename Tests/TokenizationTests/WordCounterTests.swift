import Testing
@testable import Tokenization

@Suite struct WordCounterTests {
    /// Word counts as a dictionary of strings, for comparing.
    func dictionary(_ counts: WordCounts) -> [String: Int] {
        var result: [String: Int] = [:]
        for index in 0..<counts.distinctWords {
            result[String(decoding: counts.word(index), as: UTF8.self), default: 0] += counts.counts[index]
        }
        return result
    }

    /// The same counts made one piece at a time from `PreTokenizer.pieces`.
    func expected(_ documents: [String], preset: SplitPreset) -> [String: Int] {
        let preTokenizer = PreTokenizer(preset: preset)
        var result: [String: Int] = [:]
        for document in documents {
            for piece in preTokenizer.pieces(document) { result[piece, default: 0] += 1 }
        }
        return result
    }

    static let documents: [String] = (0..<300).map { index in
        "Document \(index): it's the \(index % 7)th copy of 'some' text, café 日本語 😀\r\n\tend \(index * 12345)\n\n"
    }

    @Test(arguments: SplitPreset.allCases)
    func parallelCountsEqualSequentialCounts(_ preset: SplitPreset) {
        let counter = WordCounter(preset: preset, workers: 3)
        counter.add(Array(Self.documents[0..<100]))
        counter.add(Array(Self.documents[100..<101]))
        counter.add(Array(Self.documents[101...]))
        let counts = counter.finish()
        #expect(dictionary(counts) == expected(Self.documents, preset: preset))
        #expect(counter.documents == Self.documents.count)
        #expect(counter.bytes == Self.documents.reduce(0) { $0 + $1.utf8.count })
        // Distinct words appear once after the workers' tables are merged.
        #expect(counts.distinctWords == expected(Self.documents, preset: preset).count)
    }

    @Test func singleDocumentsOnTheCallingThread() {
        let counter = WordCounter(preset: .gpt2, workers: 1)
        counter.add("hello hello world")
        #expect(dictionary(counter.finish()) == ["hello": 1, " hello": 1, " world": 1])
    }

    @Test func literalSpecialTokensAreOrdinaryText() {
        // Hugging Face's trainer pre-tokenizes the raw text, so a special token written in a document
        // is split by the pattern like any other characters.
        let counter = WordCounter(preset: .gpt2, workers: 2)
        counter.add(["a<|endoftext|>b", "<|im_start|>user"])
        #expect(dictionary(counter.finish()) == ["a": 1, "<|": 2, "endoftext": 1, "|>": 2, "b": 1, "im": 1, "_": 1,
                                                  "start": 1, "user": 1])
    }

    @Test func emptyDocumentsAndBatchesCountNothing() {
        let counter = WordCounter(preset: .qwen2, workers: 2)
        counter.add([])
        counter.add(["", ""])
        #expect(counter.finish().distinctWords == 0)
    }

    @Test func tableGrowsAndMerges() {
        var first = WordCountTable(capacity: 4)
        var second = WordCountTable(capacity: 4)
        for index in 0..<5000 {
            first.add(Array("w\(index)".utf8))
            second.add(Array("w\(index * 2)".utf8), count: 3)
        }
        #expect(first.distinctWords == 5000)
        first.merge(second)
        let counts = dictionary(first.wordCounts())
        #expect(counts.count == 7500)
        #expect(counts["w0"] == 4)
        #expect(counts["w1"] == 1)
        #expect(counts["w9998"] == 3)
        // Long words (several 8-byte blocks plus a tail) are told apart.
        var long = WordCountTable()
        long.add(Array("abcdefghijklmnopq".utf8))
        long.add(Array("abcdefghijklmnopr".utf8))
        long.add(Array("abcdefghijklmnopq".utf8))
        #expect(dictionary(long.wordCounts()) == ["abcdefghijklmnopq": 2, "abcdefghijklmnopr": 1])
    }
}
