import Testing
@testable import Tokenization

/// The merge rules on small word counts whose merges can be worked out by hand.
@Suite struct BPETrainerTests {
    /// Trains with only the bytes present as the alphabet and no special tokens, so ids are easy to follow.
    func train(_ words: [String: Int], vocabSize: Int, minFrequency: Int = 0,
               specialTokens: [String] = [], fullByteAlphabet: Bool = false) throws -> BPEModel {
        let options = BPETrainer.Options(vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specialTokens,
                                         preset: .gpt2, fullByteAlphabet: fullByteAlphabet)
        return try BPETrainer(options: options).train(WordCounts(words))
    }

    func pairs(_ model: BPEModel) -> [String] { model.merges.map { "\($0.left) \($0.right)" } }

    @Test func overlappingPairsCountEveryWindowAndMergeLeftToRight() throws {
        // (z,z) occurs three times in zzzz; merging left to right gives zz zz, then zzzz.
        let model = try train(["zzzz": 1], vocabSize: 10)
        #expect(pairs(model) == ["z z", "zz zz"])
        #expect(model.tokens == ["z", "zz", "zzzz"])
    }

    @Test func oddRunLeavesTheLastSymbol() throws {
        // aaa: (a,a) counts 2 but merges once (aa a); then (aa,a) merges.
        let model = try train(["aaa": 1], vocabSize: 10)
        #expect(pairs(model) == ["a a", "aa a"])
    }

    @Test func overlappingCountsOutweighDistinctPairs() throws {
        // (a,a) counts 3 x 1 in aaaa; (b,c) counts 2 from bc x 2: a a wins on the overlapping count.
        let model = try train(["aaaa": 1, "bc": 2], vocabSize: 6)
        #expect(pairs(model).first == "a a")
    }

    @Test func tiesGoToTheSmallestPairOfIDs() throws {
        // Both pairs occur 3 times; ids follow code point order (a, b, c, d), so (a,b) comes first,
        // although (c,d) was seen first.
        let model = try train(["cd": 3, "ab": 3], vocabSize: 5)
        #expect(pairs(model) == ["a b"])
        // The id order is the mapped code point order, not byte order: the space (0x20) maps to
        // U+0120, after the letters, so (a, a) wins the tie that byte order would give to (a, space).
        let spaced = try train(["a ": 2, "aa": 2], vocabSize: 3)
        #expect(pairs(spaced) == ["a a"])
    }

    @Test func countsAreWeightedByWordCount() throws {
        // (x,y) once in a word seen 5 times beats (a,b) three times in a word seen once.
        let model = try train(["xy": 5, "ababab": 1], vocabSize: 5)
        #expect(pairs(model) == ["x y"])
    }

    @Test func neighbourCountsMoveAfterAMerge() throws {
        // abab x 1, ab x 1: (a,b) 3, (b,a) 1. After merging, ab ab forms (ab,ab) once; (b,a) is gone.
        let model = try train(["abab": 1, "ab": 1], vocabSize: 10)
        #expect(pairs(model) == ["a b", "ab ab"])
    }

    @Test func minFrequencyStopsBelowItAndMergesAtIt() throws {
        let model = try train(["ab": 2, "cd": 1], vocabSize: 100, minFrequency: 2)
        #expect(pairs(model) == ["a b"])
        let none = try train(["ab": 1], vocabSize: 100, minFrequency: 2)
        #expect(none.merges.isEmpty)
    }

    @Test func vocabSizeCountsSpecialTokensAlphabetAndMerges() throws {
        let model = try train(["abcd": 4], vocabSize: 7, specialTokens: ["<s>", "</s>"])
        // 2 special + 4 letters + 1 merge.
        #expect(model.vocabSize == 7)
        #expect(model.tokens.prefix(2) == ["<s>", "</s>"])
        #expect(model.addedTokens.map(\.id) == [0, 1])
        #expect(model.addedTokens.allSatisfy { $0.special && !$0.normalized })
        #expect(model.merges.count == 1)
    }

    @Test func vocabSizeEqualToTheAlphabetGivesNoMerges() throws {
        let model = try train(["ab": 1], vocabSize: 2)
        #expect(model.merges.isEmpty)
        #expect(model.tokens == ["a", "b"])
    }

    @Test func fullAlphabetIsInMappedCodePointOrder() throws {
        let model = try train(["hello": 1], vocabSize: 259, specialTokens: ["<|endoftext|>"], fullByteAlphabet: true)
        #expect(model.tokens.count == 259)
        #expect(model.tokens[0] == "<|endoftext|>")
        let alphabet = Array(model.tokens[1..<257])
        #expect(alphabet == ByteLevel.bytesInScalarOrder.map { ByteLevel.encode([$0]) })
        #expect(alphabet.first == "!")
        #expect(alphabet[94] == "\u{A1}")  // 0x21-0x7E are 94 bytes, then 0xA1.
        #expect(alphabet.last == ByteLevel.encode([0xAD]))
    }

    @Test func bytesOutsideASCIIAreTokensInByteLevelForm() throws {
        // "é" is C3 A9; a leading space is Ġ.
        let model = try train([" é": 3], vocabSize: 100)
        #expect(model.tokens.prefix(3) == ["©", "Ã", "Ġ"])
        // Both pairs occur 3 times; (Ã, ©) has the smaller ids.
        #expect(pairs(model) == ["Ã ©", "Ġ Ã©"])
    }

    @Test func aMergeThatRecreatesASpecialTokenReusesItsID() throws {
        // The special token "ab" is spelled like the merge of a and b: the merge is recorded but the
        // vocabulary does not grow (Hugging Face looks the new string up in the whole vocabulary).
        let model = try train(["ab": 3, "cd": 2], vocabSize: 6, specialTokens: ["ab"])
        #expect(pairs(model) == ["a b", "c d"])
        #expect(model.tokens == ["ab", "a", "b", "c", "d", "cd"])
    }

    @Test func oneDistinctWordTrains() throws {
        let model = try train(["hello": 1000], vocabSize: 1000)
        // h e l l o: four merges join it into one token, then no pair is left.
        #expect(model.merges.count == 4)
        #expect(model.tokens.last == "hello")
    }

    @Test func errorsForBadInput() throws {
        #expect(throws: BPETrainingError.emptyCorpus) { try train([:], vocabSize: 1000) }
        #expect(throws: BPETrainingError.vocabSizeTooSmall(vocabSize: 258, minimum: 259, specialTokens: 3)) {
            try train(["a": 1], vocabSize: 258, specialTokens: ["<x>", "<y>", "<z>"], fullByteAlphabet: true)
        }
        #expect(throws: BPETrainingError.emptySpecialToken(index: 1)) {
            try train(["a": 1], vocabSize: 1000, specialTokens: ["x", ""])
        }
    }

    @Test func minimumVocabSizeIsKnownBeforeTraining() throws {
        let options = BPETrainer.Options(vocabSize: 1, specialTokens: ["<a>", "<b>", "<a>", "x"])
        // Two distinct specials + 256 bytes; "x" is the byte x's own token.
        #expect(options.minimumVocabSize == 258)
        let trained = try BPETrainer(options: BPETrainer.Options(vocabSize: 258, specialTokens: ["<a>", "<b>", "<a>", "x"]))
            .train(WordCounts(["ab": 1]))
        #expect(trained.vocabSize == 258)
        #expect(BPETrainer.Options(vocabSize: 1, fullByteAlphabet: false).minimumVocabSize == nil)
    }

    @Test func duplicateSpecialTokensAreKeptOnce() throws {
        let model = try train(["ab": 1], vocabSize: 10, specialTokens: ["<a>", "<b>", "<a>"])
        #expect(model.tokens.prefix(2) == ["<a>", "<b>"])
        #expect(model.addedTokens.map(\.content) == ["<a>", "<b>"])
    }

    @Test func progressReportsTheEnd() throws {
        var last: TrainingProgress?
        let options = BPETrainer.Options(vocabSize: 20, specialTokens: [], fullByteAlphabet: false)
        _ = try BPETrainer(options: options).train(WordCounts(["abcdefgh": 2])) { last = $0 }
        #expect(last?.finished == true)
        #expect(last?.merges == 7)
        #expect(last?.vocabulary == 15)
    }
}
