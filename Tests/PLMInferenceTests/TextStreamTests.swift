import Foundation
import Testing
import Tokenization
@testable import PLMInference

/// A byte-level vocabulary built by hand: the 256 bytes (id = byte), a few merged tokens (some that
/// end or start inside a UTF-8 character), then `<|endoftext|>` and `<|im_end|>`.
enum StreamFixture {
    static let merged: [[UInt8]] = [
        Array("xS".utf8), Array("TO".utf8), Array("zabcd".utf8), Array("abcd".utf8), Array("<END>more".utf8),
        Array("x".utf8) + [0xC3], [0xA9] + Array("!z".utf8), Array("hello".utf8), Array(" world".utf8),
        Array("ab".utf8), Array("ba".utf8), [0xA9] + Array("a".utf8), Array("a".utf8) + [0xC3],
    ]

    static let tokenizer: BPETokenizer = {
        var tokens = (0..<256).map { ByteLevel.encode([UInt8($0)]) }
        tokens += merged.map { ByteLevel.encode($0) }
        let endOfText = tokens.count
        tokens += ["<|endoftext|>", "<|im_end|>"]
        let model = BPEModel(tokens: tokens, merges: [],
                             addedTokens: [AddedToken(id: endOfText, content: "<|endoftext|>"),
                                           AddedToken(id: endOfText + 1, content: "<|im_end|>")],
                             splitPattern: SplitPreset.gpt2.pattern)
        return try! BPETokenizer(model: model)
    }()

    static var imEnd: Int32 { tokenizer.specialTokenID("<|im_end|>")! }

    /// The merged token with exactly these bytes.
    static func token(_ bytes: [UInt8]) -> Int32 { Int32(256 + merged.firstIndex(of: bytes)!) }
    static func token(_ text: String) -> Int32 { token(Array(text.utf8)) }
    /// One token per byte.
    static func bytes(_ text: String) -> [Int32] { text.utf8.map { Int32($0) } }

    static func stream(_ strings: [String] = [], ids: Set<Int32> = [], maxTokens: Int? = nil) throws -> TextStream {
        try TextStream(tokenizer: tokenizer, conditions: StopConditions(tokenIds: ids, strings: strings, maxTokens: maxTokens))
    }
}

@Suite struct TextStreamTests {
    /// Feeds `ids` until the stream stops; returns the pieces.
    func run(_ stream: inout TextStream, _ ids: [Int32]) -> [StreamPiece] {
        var pieces: [StreamPiece] = []
        for id in ids {
            pieces.append(stream.append(id))
            if stream.isFinished { break }
        }
        return pieces
    }

    @Test func neverOutputsPartOfACharacter() throws {
        var stream = try StreamFixture.stream()
        let pieces = run(&stream, StreamFixture.bytes("a😀b"))   // the emoji is 4 byte tokens
        #expect(pieces.map(\.text) == ["a", "", "", "", "😀", "b"])
        #expect(pieces.allSatisfy { !$0.text.unicodeScalars.contains("\u{FFFD}") && $0.stop == nil })
        #expect(stream.finish(.contextFull) == StreamPiece(text: "", stop: .contextFull))
        #expect(stream.text == "a😀b" && stream.stopReason == .contextFull)
    }

    @Test func stopStringAcrossSeveralTokens() throws {
        var stream = try StreamFixture.stream(["STOP"])
        let ids = [StreamFixture.token("xS"), StreamFixture.token("TO"), Int32(UInt8(ascii: "P")), Int32(UInt8(ascii: "y"))]
        let pieces = run(&stream, ids)
        #expect(pieces.map(\.text) == ["x", "", ""])
        #expect(pieces.last?.stop == .stopString("STOP"))
        #expect(stream.text == "x")
        // After the stop, ids add nothing.
        #expect(stream.append(65) == StreamPiece(text: "", stop: .stopString("STOP")))
    }

    @Test func heldTextIsReleasedWhenItCannotBeAStop() throws {
        var stream = try StreamFixture.stream(["STOP"])
        let pieces = run(&stream, [StreamFixture.token("xS"), StreamFixture.token("TO"), Int32(UInt8(ascii: "y"))])
        #expect(pieces.map(\.text) == ["x", "", "STOy"])
    }

    @Test func stopStringStartingInsideAMultibyteCharacter() throws {
        // "x" + the first byte of "é" | the second byte + "!z": the stop string begins mid-token.
        var stream = try StreamFixture.stream(["é!"])
        let pieces = run(&stream, [StreamFixture.token([UInt8(ascii: "x"), 0xC3]), StreamFixture.token([0xA9, 0x21, 0x7A])])
        #expect(pieces.map(\.text) == ["x", ""])
        #expect(stream.stopReason == .stopString("é!") && stream.text == "x")

        // A four-byte stop string fed one byte at a time.
        var emoji = try StreamFixture.stream(["😀"])
        _ = run(&emoji, StreamFixture.bytes("hi😀there"))
        #expect(emoji.text == "hi" && emoji.stopReason == .stopString("😀"))

        // Same first byte, another character: not a stop, nothing lost.
        var other = try StreamFixture.stream(["é"])
        _ = run(&other, StreamFixture.bytes("aêb"))
        #expect(other.finish().text == "" && other.text == "aêb" && other.stopReason == .contextFull)
    }

    /// When stop strings overlap, the one completed first wins, however the text is split into tokens.
    @Test func overlappingStopStrings() throws {
        for ids in [StreamFixture.bytes("zabcd"), [StreamFixture.token("zabcd")]] {
            var stream = try StreamFixture.stream(["bcd", "abc"])
            _ = run(&stream, ids)
            #expect(stream.text == "z" && stream.stopReason == .stopString("abc"))
        }
        for ids in [StreamFixture.bytes("abcd"), [StreamFixture.token("abcd")]] {
            var stream = try StreamFixture.stream(["abcd", "bc"])
            _ = run(&stream, ids)
            #expect(stream.text == "a" && stream.stopReason == .stopString("bc"))
        }
        // A stop string overlapping itself.
        var stream = try StreamFixture.stream(["aab"])
        _ = run(&stream, StreamFixture.bytes("aaab"))
        #expect(stream.text == "a" && stream.stopReason == .stopString("aab"))
    }

    @Test func stopStringAtTheVeryStart() throws {
        for ids in [StreamFixture.bytes("<END>more"), [StreamFixture.token("<END>more")]] {
            var stream = try StreamFixture.stream(["<END>"])
            let pieces = run(&stream, ids)
            #expect(pieces.allSatisfy { $0.text.isEmpty })
            #expect(stream.text == "" && stream.stopReason == .stopString("<END>"))
        }
    }

    @Test func stopTokenFlushesHeldTextWithoutItsOwn() throws {
        let imEnd = StreamFixture.imEnd
        var stream = try StreamFixture.stream(["STOP"], ids: StopConditions.endOfGenerationIds(of: StreamFixture.tokenizer))
        let pieces = run(&stream, StreamFixture.bytes("hi") + [StreamFixture.token("xS"), imEnd, 65])
        #expect(pieces.map(\.text) == ["h", "i", "x", "S"])
        #expect(pieces.last?.stop == .stopToken(imEnd))
        #expect(stream.text == "hixS" && stream.tokenCount == 4)
        // An unfinished character at the stop shows as U+FFFD, as decoding the ids would.
        var cut = try StreamFixture.stream(ids: [imEnd])
        _ = run(&cut, [0x61, 0xF0, 0x9F, imEnd])
        #expect(cut.text == "a\u{FFFD}")
        #expect(cut.text == StreamFixture.tokenizer.decode([0x61, 0xF0, 0x9F]))
    }

    @Test func maxTokensAndContextFull() throws {
        var stream = try StreamFixture.stream(["STOP"], maxTokens: 3)
        let pieces = run(&stream, StreamFixture.bytes("hiSTOP"))
        #expect(pieces.map(\.text) == ["h", "i", "S"])
        #expect(stream.stopReason == .maxTokens(3))
        // A stop string completed by the last allowed token wins over the limit.
        var both = try StreamFixture.stream(["ab"], maxTokens: 2)
        _ = run(&both, StreamFixture.bytes("ab"))
        #expect(both.stopReason == .stopString("ab") && both.text == "")
        // The engine ends the stream when the context is full.
        var full = try StreamFixture.stream(["STOP"])
        _ = run(&full, StreamFixture.bytes("okS"))
        #expect(full.finish(.contextFull) == StreamPiece(text: "S", stop: .contextFull))
        #expect(full.text == "okS")
    }

    @Test func invalidConditionsAreRefused() {
        #expect(throws: StopConditionsError.self) { try StreamFixture.stream(["ok", ""]) }
        #expect(throws: StopConditionsError.self) { try StreamFixture.stream(maxTokens: 0) }
        #expect(StopConditions.endOfGenerationIds(of: StreamFixture.tokenizer).count == 2)
    }

    /// Random texts over {a, b, é, !} split into random tokens (merged ones included, some ending
    /// inside "é"), against random stop strings: the output is always the text up to the first
    /// completed stop string (found on the whole text), and the pieces add up to it.
    @Test func randomSplitsMatchTheWholeTextReference() throws {
        var random = SamplingRandom(seed: 5)
        let characters = ["a", "b", "é", "!"]
        let stopChoices = ["ab", "ba", "é", "éa", "aa", "bab", "!é", "aé!", "bb"]
        let tokens = (0..<256).map { [UInt8($0)] } + StreamFixture.merged
        for trial in 0..<400 {
            let text = (0..<Int(random.next() % 12)).map { _ in characters[Int(random.next() % 4)] }.joined()
            let stops = (0..<Int(random.next() % 3)).map { _ in stopChoices[Int(random.next() % UInt64(stopChoices.count))] }
            // Random tokenization: at each point, any token whose bytes come next.
            let bytes = Array(text.utf8)
            var ids: [Int32] = [], at = 0
            while at < bytes.count {
                let fitting = tokens.indices.filter { index in
                    at + tokens[index].count <= bytes.count && bytes[at..<at + tokens[index].count].elementsEqual(tokens[index])
                }
                let pick = fitting[Int(random.next() % UInt64(fitting.count))]
                ids.append(Int32(pick))
                at += tokens[pick].count
            }
            var stream = try StreamFixture.stream(stops)
            var output = ""
            for id in ids where !stream.isFinished {
                let piece = stream.append(id)
                #expect(!piece.text.unicodeScalars.contains("\u{FFFD}"))
                output += piece.text
            }
            output += stream.finish(.contextFull).text

            var expected = text, reason = StopReason.contextFull
            var best: (start: Int, end: Int, stop: String)?
            for stop in stops {
                guard let range = bytes.firstRange(of: Array(stop.utf8)) else { continue }
                let candidate = (range.lowerBound, range.upperBound, stop)
                if best == nil || candidate.1 < best!.end || (candidate.1 == best!.end && candidate.0 < best!.start) {
                    best = candidate
                }
            }
            if let best {
                expected = String(decoding: bytes[..<best.start], as: UTF8.self)
                reason = .stopString(best.stop)
            }
            #expect(output == expected && stream.text == expected, "trial \(trial): \(text.debugDescription) stops \(stops)")
            #expect(stream.stopReason == reason, "trial \(trial)")
        }
    }
}
