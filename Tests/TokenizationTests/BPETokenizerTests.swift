import Foundation
import Testing
@testable import Tokenization

/// Behaviour of the encoder that goldens do not pin down: special tokens, linear time on
/// pathological input, the cache, streaming decoding of partial characters.
@Suite struct BPETokenizerTests {
    /// A hand-made model: bytes, then merges a+b, ab+c, a+a, aa+aa.
    static func smallModel() -> BPEModel {
        var tokens = ["<|endoftext|>", "<|im_start|>"]
        tokens += ByteLevel.bytesInScalarOrder.map { String(Character(ByteLevel.scalarForByte[Int($0)])) }
        let merges = [BPEModel.Merge("a", "b"), BPEModel.Merge("ab", "c"), BPEModel.Merge("a", "a"), BPEModel.Merge("aa", "aa")]
        tokens += ["ab", "abc", "aa", "aaaa"]
        return BPEModel(tokens: tokens, merges: merges,
                        addedTokens: [AddedToken(id: 0, content: "<|endoftext|>"), AddedToken(id: 1, content: "<|im_start|>")],
                        splitPattern: SplitPreset.gpt2.pattern)
    }

    private func id(_ tokenizer: BPETokenizer, _ token: String) -> Int32 {
        Int32(tokenizer.model.tokens.firstIndex(of: token)!)
    }

    @Test func mergesByRankLeftToRight() throws {
        let tokenizer = try BPETokenizer(model: Self.smallModel())
        let (a, ab, abc, aa, aaaa) = (id(tokenizer, "a"), id(tokenizer, "ab"), id(tokenizer, "abc"), id(tokenizer, "aa"), id(tokenizer, "aaaa"))
        #expect(tokenizer.encode("abc", allowSpecial: false) == [abc])
        #expect(tokenizer.encode("aaa", allowSpecial: false) == [aa, a])          // left to right, no overlap
        #expect(tokenizer.encode("aaaaa", allowSpecial: false) == [aaaa, a])
        #expect(tokenizer.encode("aab", allowSpecial: false) == [a, ab])          // a+b outranks a+a
        #expect(tokenizer.encode("", allowSpecial: true) == [])
        #expect(tokenizer.vocabularySize == 2 + 256 + 4)
    }

    @Test func specialTokensOnlyWhenAllowedAndNeverSplit() throws {
        let tokenizer = try BPETokenizer(model: Self.smallModel())
        #expect(tokenizer.specialTokenID("<|endoftext|>") == 0)
        #expect(tokenizer.specialTokenID("<|nothing|>") == nil)
        let allowed = tokenizer.encode("ab<|endoftext|><|im_start|>ab", allowSpecial: true)
        #expect(allowed == [id(tokenizer, "ab"), 0, 1, id(tokenizer, "ab")])
        let literal = tokenizer.encode("<|endoftext|>", allowSpecial: false)
        #expect(!literal.contains(0) && literal.count > 1)
        #expect(tokenizer.decode(literal) == "<|endoftext|>")
        #expect(tokenizer.decode(allowed) == "ab<|endoftext|><|im_start|>ab")
    }

    @Test func cachedAndUncachedEncodingsAgree() throws {
        let tokenizer = try BPETokenizer(model: Self.smallModel())
        let text = (0..<2000).map { _ in ["ab", "abc", "aaa", "x", "aaaaab"].randomElement()! }.joined(separator: " ")
        let first = tokenizer.encode(text, allowSpecial: false)
        let second = tokenizer.encode(text, allowSpecial: false)   // served from the warm cache
        #expect(first == second)
        #expect(tokenizer.decode(first) == text)
    }

    /// A run of one character (one multi-megabyte piece) and a long run without spaces must encode in
    /// time proportional to their length: twice the input may not take much more than twice the time.
    @Test func linearTimeOnPathologicalRuns() throws {
        let tokenizer = try BPETokenizer(model: Self.smallModel())
        for unit in ["a", "ab", "abc\u{4E2D}"] {
            let small = String(repeating: unit, count: 100_000 / unit.utf8.count)
            let large = String(repeating: unit, count: 400_000 / unit.utf8.count)
            let clock = ContinuousClock()
            var smallIDs: [Int32] = []
            var largeIDs: [Int32] = []
            // The fastest of three runs each, so that a busy machine's pauses do not decide the ratio.
            let smallTime = (0..<3).map { _ in clock.measure { smallIDs = tokenizer.encode(small, allowSpecial: false) } }.min()!
            let largeTime = (0..<3).map { _ in clock.measure { largeIDs = tokenizer.encode(large, allowSpecial: false) } }.min()!
            #expect(tokenizer.decode(largeIDs) == large)
            #expect(abs(smallIDs.count * 4 - largeIDs.count) <= 8)
            // 4x the input: linear is ~4x, quadratic would be ~16x. Allow noise on a shared machine.
            #expect(largeTime < smallTime * 9, "\(unit.debugDescription): \(smallTime) for 100 kB, \(largeTime) for 400 kB")
        }
    }

    @Test func streamingDecoderHoldsBackPartialCharacters() throws {
        let tokenizer = try BPETokenizer(model: Self.smallModel())
        let text = "h\u{E9}llo \u{4E16}\u{754C} \u{1F600}! ab"
        let ids = tokenizer.encode(text, allowSpecial: false)
        #expect(ids.count > text.unicodeScalars.count)   // multi-byte characters are split into byte tokens
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var pieces: [String] = []
        for id in ids { pieces.append(decoder.append(id)) }
        pieces.append(decoder.finish())
        #expect(pieces.joined() == text)
        #expect(!pieces.joined().contains("\u{FFFD}"))
        // Each emitted piece is whole characters: e.g. the emoji's 4 byte tokens give "", "", "", "😀".
        #expect(pieces.contains("\u{1F600}"))
        #expect(pieces.filter(\.isEmpty).count >= 3 + 2 + 2 + 1)
    }

    @Test func streamingDecoderReleasesInvalidBytes() throws {
        #expect(StreamingDecoder.incompleteSuffixLength([0x61, 0xE4, 0xB8]) == 2)
        #expect(StreamingDecoder.incompleteSuffixLength([0xF0, 0x9F, 0x98]) == 3)
        #expect(StreamingDecoder.incompleteSuffixLength([0xF0, 0x9F, 0x98, 0x80]) == 0)
        #expect(StreamingDecoder.incompleteSuffixLength([0xE0, 0x80]) == 0)   // overlong: never valid
        #expect(StreamingDecoder.incompleteSuffixLength([0x80]) == 0)
        #expect(StreamingDecoder.incompleteSuffixLength([0xFF]) == 0)
        let tokenizer = try BPETokenizer(model: Self.smallModel())
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        let byteE4 = id(tokenizer, String(Character(ByteLevel.scalarForByte[0xE4])))
        #expect(decoder.append(byteE4) == "")
        #expect(decoder.append(id(tokenizer, "a")) == "\u{FFFD}a")
        #expect(decoder.append(byteE4) == "")
        #expect(decoder.finish() == "\u{FFFD}")
    }

    @Test func decodeBytesIsExactForSplitCharacters() throws {
        let tokenizer = try BPETokenizer(model: Self.smallModel())
        let ids = tokenizer.encode("\u{4E16}", allowSpecial: false)
        #expect(ids.count == 3)
        #expect(tokenizer.decodeBytes(Array(ids.prefix(2))) == [0xE4, 0xB8])
        #expect(tokenizer.decode(Array(ids.prefix(2))) == "\u{FFFD}")
        #expect(tokenizer.decodeBytes([-1, 99_999]) == [])
    }
}
