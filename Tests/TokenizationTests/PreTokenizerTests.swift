import Testing
@testable import Tokenization

/// Each alternative of each split regex, and the edges between them, written out by hand (the
/// goldens check the same scanners against Hugging Face on many more strings).
@Suite struct PreTokenizerTests {
    private func pieces(_ preset: SplitPreset, _ text: String) -> [String] {
        PreTokenizer(preset: preset).pieces(text)
    }

    @Test func presetsRoundTripTheirPatterns() {
        for preset in SplitPreset.allCases {
            #expect(SplitPreset(pattern: preset.pattern) == preset)
        }
        #expect(SplitPreset(pattern: #"\s+"#) == nil)
        #expect(SplitPreset(pattern: SplitPreset.gpt2.pattern + " ") == nil)
    }

    @Test func gpt2Contractions() {
        #expect(pieces(.gpt2, "it's") == ["it", "'s"])
        #expect(pieces(.gpt2, "we're I've I'm we'll he'd don't")
                == ["we", "'re", " I", "'ve", " I", "'m", " we", "'ll", " he", "'d", " don", "'t"])
        // Case-sensitive: an upper-case contraction is punctuation followed by letters.
        #expect(pieces(.gpt2, "IT'S") == ["IT", "'", "S"])
        #expect(pieces(.gpt2, "'sa") == ["'s", "a"])
        #expect(pieces(.gpt2, "'r") == ["'", "r"])
        #expect(pieces(.gpt2, "''s") == ["''", "s"])
    }

    @Test func gpt2RunsTakeOneLeadingSpace() {
        #expect(pieces(.gpt2, "Hello world 123 !!") == ["Hello", " world", " 123", " !!"])
        #expect(pieces(.gpt2, "a1b2") == ["a", "1", "b", "2"])
        #expect(pieces(.gpt2, "12345") == ["12345"])
        #expect(pieces(.gpt2, "\tabc") == ["\t", "abc"])
        #expect(pieces(.gpt2, "e\u{301}") == ["e", "\u{301}"])     // a combining mark is not a letter
        #expect(pieces(.gpt2, "\u{4F60}\u{597D} \u{4E16}") == ["\u{4F60}\u{597D}", " \u{4E16}"])
        #expect(pieces(.gpt2, "a\u{1F600}\u{1F600}") == ["a", "\u{1F600}\u{1F600}"])
    }

    @Test func gpt2WhitespaceGivesBackOneScalar() {
        #expect(pieces(.gpt2, "a   b") == ["a", "  ", " b"])
        #expect(pieces(.gpt2, "a \tb") == ["a", " ", "\t", "b"])
        #expect(pieces(.gpt2, "a\n\n b") == ["a", "\n\n", " b"])
        #expect(pieces(.gpt2, "trailing  ") == ["trailing", "  "])
        #expect(pieces(.gpt2, "x\r\n") == ["x", "\r\n"])
        #expect(pieces(.gpt2, "x\r\ny") == ["x", "\r", "\n", "y"])
        #expect(pieces(.gpt2, "x \u{A0}y") == ["x", " ", "\u{A0}", "y"])
    }

    @Test func whitespaceEdgeScalars() {
        // U+0085, U+00A0, U+2028, U+3000 are White_Space; U+001C-U+001F, U+200B and U+180E are not.
        #expect(pieces(.gpt2, "x\u{85}\u{85}y") == ["x", "\u{85}", "\u{85}", "y"])
        #expect(pieces(.gpt2, "x\u{1C}\u{1F}y") == ["x", "\u{1C}\u{1F}", "y"])
        #expect(pieces(.gpt2, "x \u{1C}") == ["x", " \u{1C}"])
        #expect(pieces(.gpt2, "x\u{200B}\u{180E}y") == ["x", "\u{200B}\u{180E}", "y"])
        #expect(pieces(.gpt2, "x\u{3000}\u{3000}") == ["x", "\u{3000}\u{3000}"])
        #expect(pieces(.llama3, "x\u{85}y") == ["x", "\u{85}y"])
        #expect(pieces(.llama3, "x\u{2028}\u{2028}y") == ["x", "\u{2028}", "\u{2028}y"])
        #expect(pieces(.llama3, "x\u{1C}y") == ["x", "\u{1C}y"])
        #expect(pieces(.llama3, "x\u{B}\u{C}y") == ["x", "\u{B}", "\u{C}y"])
    }

    @Test(arguments: [SplitPreset.llama3, .qwen2])
    func llamaContractionsIgnoreCase(preset: SplitPreset) {
        #expect(pieces(preset, "IT'S We'Re I'VE I'm WE'LL he'D")
                == ["IT", "'S", " We", "'Re", " I", "'VE", " I", "'m", " WE", "'LL", " he", "'D"])
        #expect(pieces(preset, "'Sa") == ["'S", "a"])
        #expect(pieces(preset, "'\u{17F}a") == ["'\u{17F}", "a"])   // long s folds to s
        #expect(pieces(preset, "'ra") == ["'ra"])                      // not a contraction: ' joins the letters
        #expect(pieces(preset, "'") == ["'"])
    }

    @Test(arguments: [SplitPreset.llama3, .qwen2])
    func llamaLetterRunTakesOneNonLetter(preset: SplitPreset) {
        #expect(pieces(preset, "hello world") == ["hello", " world"])
        #expect(pieces(preset, "(hello)") == ["(hello", ")"])
        #expect(pieces(preset, "\tabc") == ["\tabc"])
        #expect(pieces(preset, "!!abc") == ["!!", "abc"])   // only one scalar may lead a letter run
        #expect(pieces(preset, "\rabc") == ["\r", "abc"])
        #expect(pieces(preset, "\nabc") == ["\n", "abc"])
        #expect(pieces(preset, "\u{A0}abc") == ["\u{A0}abc"])
        #expect(pieces(preset, "1abc") == ["1", "abc"])
    }

    @Test func digitsInGroupsOfThreeForLlama3() {
        #expect(pieces(.llama3, "1234567") == ["123", "456", "7"])
        #expect(pieces(.llama3, " 1234") == [" ", "123", "4"])
        #expect(pieces(.llama3, "x12") == ["x", "12"])
        #expect(pieces(.llama3, "\u{661}\u{662}\u{663}\u{664}") == ["\u{661}\u{662}\u{663}", "\u{664}"])
        #expect(pieces(.llama3, "\u{B2}\u{B3}\u{2160}\u{2161}") == ["\u{B2}\u{B3}\u{2160}", "\u{2161}"])
    }

    @Test func everyDigitAloneForQwen2() {
        #expect(pieces(.qwen2, "1234") == ["1", "2", "3", "4"])
        #expect(pieces(.qwen2, "3.14") == ["3", ".", "1", "4"])
    }

    @Test(arguments: [SplitPreset.llama3, .qwen2])
    func llamaPunctuationKeepsLineBreaks(preset: SplitPreset) {
        #expect(pieces(preset, "?!\n") == ["?!\n"])
        #expect(pieces(preset, " ...\n\nx") == [" ...\n\n", "x"])
        #expect(pieces(preset, "!\r\n\r\nx") == ["!\r\n\r\n", "x"])
        #expect(pieces(preset, "x;\n  y") == ["x", ";\n", " ", " y"])
        #expect(pieces(preset, " $") == [" $"])
    }

    @Test(arguments: [SplitPreset.llama3, .qwen2])
    func llamaWhitespaceEndsAfterLastLineBreak(preset: SplitPreset) {
        #expect(pieces(preset, "a\n\n b") == ["a", "\n\n", " b"])
        #expect(pieces(preset, "a \n \n  b") == ["a", " \n \n", " ", " b"])
        #expect(pieces(preset, "a\r\n\r\nb") == ["a", "\r\n\r\n", "b"])
        #expect(pieces(preset, "\n  ") == ["\n", "  "])
        #expect(pieces(preset, "a   b") == ["a", "  ", " b"])
        #expect(pieces(preset, "a \t1") == ["a", " ", "\t", "1"])
        #expect(pieces(preset, "  ") == ["  "])
    }

    @Test(arguments: SplitPreset.allCases)
    func piecesCoverTheBytesExactly(preset: SplitPreset) {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["a", "Z", "'", "s", " ", " ", "\n", "\r", "\t", "1", "!", "\u{85}",
                                          "\u{301}", "\u{4E2D}", "\u{1F600}", "\u{661}", "\u{3000}"]
        let tokenizer = PreTokenizer(preset: preset)
        for _ in 0..<200 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                scalars.append(alphabet.randomElement(using: &generator)!)
            }
            let text = String(scalars)
            let bytes = Array(text.utf8)
            var next = 0
            bytes.withUnsafeBufferPointer { buffer in
                tokenizer.split(buffer) { range in
                    #expect(range.lowerBound == next && !range.isEmpty)
                    next = range.upperBound
                }
            }
            #expect(next == bytes.count)
        }
    }
}

@Suite struct PreTokenizerInvalidInputTests {
    /// Bytes that are not UTF-8 (truncated sequences, stray continuation bytes) are still covered
    /// exactly and never read past the end.
    @Test(arguments: SplitPreset.allCases)
    func invalidUTF8IsCoveredExactly(preset: SplitPreset) {
        let tokenizer = PreTokenizer(preset: preset)
        let cases: [[UInt8]] = [[0xF0], [0x61, 0xE4, 0xB8], [0x80, 0x80, 0x20, 0x61], [0xFF, 0xFE, 0x27, 0x73], [0x20, 0xC3]]
        for bytes in cases {
            // Copy into an exactly sized allocation so that an overread would touch memory we do not own.
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            defer { buffer.deallocate() }
            _ = buffer.initialize(from: bytes)
            var next = 0
            tokenizer.split(UnsafeBufferPointer(buffer)) { range in
                #expect(range.lowerBound == next && !range.isEmpty)
                next = range.upperBound
            }
            #expect(next == bytes.count)
        }
    }
}

@Suite struct ScalarClassTableBoundsTests {
    /// Leads 0xF5-0xFF decode to values past U+10FFFF; they must classify as "other" instead of
    /// indexing past the table (which crashed the scanner on such bytes).
    @Test func valuesPastTheLastScalarAreOther() {
        let table = ScalarClassTable.shared
        #expect(table.of(0x110000) == ScalarClass.other)
        #expect(table.of(0x1FFFFF) == ScalarClass.other)
        #expect(table.of(0x10FFFF) == ScalarClass.other)
        #expect(table.of(0x41) == ScalarClass.letter)
    }
}
