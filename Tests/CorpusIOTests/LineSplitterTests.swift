import Testing
@testable import CorpusIO

/// A `LineSplitter.Line` copied out of its transient buffer, comparable.
enum SplitLine: Equatable, CustomStringConvertible {
    case line(String, offset: Int)
    case overlong(offset: Int, bytesSeen: Int)

    init(_ line: LineSplitter.Line) {
        switch line {
        case let .line(bytes, offset): self = .line(String(decoding: bytes, as: UTF8.self), offset: offset)
        case let .overlong(offset, bytesSeen): self = .overlong(offset: offset, bytesSeen: bytesSeen)
        }
    }

    var description: String {
        switch self {
        case let .line(text, offset): "line(\(text.debugDescription)@\(offset))"
        case let .overlong(offset, seen): "overlong(@\(offset), \(seen))"
        }
    }
}

/// Feeds `input` cut at `cuts` (sorted positions inside it), then finishes; checks `offset` after every feed.
func split(_ input: [UInt8], cuts: [Int], maxLineBytes: Int = .max) -> [SplitLine] {
    var splitter = LineSplitter(maxLineBytes: maxLineBytes)
    var result: [SplitLine] = []
    let bounds = [0] + cuts + [input.count]
    input.withUnsafeBytes { all in
        for i in 0..<(bounds.count - 1) {
            splitter.feed(UnsafeRawBufferPointer(rebasing: all[bounds[i]..<bounds[i + 1]])) { result.append(SplitLine($0)) }
            #expect(splitter.offset == bounds[i + 1])
        }
    }
    splitter.finish { result.append(SplitLine($0)) }
    return result
}

func split(_ input: [UInt8], chunkSize: Int, maxLineBytes: Int = .max) -> [SplitLine] {
    split(input, cuts: Array(stride(from: chunkSize, to: input.count, by: chunkSize)), maxLineBytes: maxLineBytes)
}

/// A reference splitter: whole input at once, the obvious way.
func referenceSplit(_ input: [UInt8], maxLineBytes: Int) -> [SplitLine] {
    var result: [SplitLine] = []
    var start = 0
    var parts = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    if input.last == UInt8(ascii: "\n") || input.isEmpty { parts.removeLast() }
    for part in parts {
        if part.count > maxLineBytes {
            result.append(.overlong(offset: start, bytesSeen: part.count))
        } else {
            result.append(.line(String(decoding: part, as: UTF8.self), offset: start))
        }
        start += part.count + 1
    }
    return result
}

@Suite("LineSplitter")
struct LineSplitterTests {
    static let text = bytes("alpha\nbeta\n\ngamma\r\n\nlast")
    static let expectedText: [SplitLine] = [
        .line("alpha", offset: 0),
        .line("beta", offset: 6),
        .line("", offset: 11),
        .line("gamma\r", offset: 12),
        .line("", offset: 19),
        .line("last", offset: 20),
    ]

    @Test("whole input in one chunk")
    func oneChunk() {
        #expect(split(Self.text, cuts: []) == Self.expectedText)
    }

    @Test("two chunks, cut at every position")
    func everyCut() {
        for cut in 0...Self.text.count {
            #expect(split(Self.text, cuts: [cut]) == Self.expectedText, "cut at \(cut)")
        }
    }

    @Test("three chunks, every pair of cut positions (including empty chunks)")
    func everyPairOfCuts() {
        for first in 0...Self.text.count {
            for second in first...Self.text.count {
                #expect(split(Self.text, cuts: [first, second]) == Self.expectedText, "cuts at \(first), \(second)")
            }
        }
    }

    @Test("fixed chunk sizes", arguments: [1, 2, 3, 5, 8, 100])
    func chunkSizes(size: Int) {
        #expect(split(Self.text, chunkSize: size) == Self.expectedText)
    }

    @Test("a final line without newline is emitted only by finish()")
    func finalLineNeedsFinish() {
        var splitter = LineSplitter()
        var got: [SplitLine] = []
        bytes("one\ntwo").withUnsafeBytes { splitter.feed($0) { got.append(SplitLine($0)) } }
        #expect(got == [.line("one", offset: 0)])
        splitter.finish { got.append(SplitLine($0)) }
        #expect(got == [.line("one", offset: 0), .line("two", offset: 4)])
        #expect(splitter.offset == 7)
    }

    @Test("input ending in a newline has no extra empty line")
    func trailingNewline() {
        #expect(split(bytes("x\ny\n"), cuts: []) == [.line("x", offset: 0), .line("y", offset: 2)])
        #expect(split(bytes("x\ny\n"), chunkSize: 1) == [.line("x", offset: 0), .line("y", offset: 2)])
    }

    @Test("empty input and empty chunks emit nothing")
    func emptyInput() {
        #expect(split([], cuts: []) == [])
        #expect(split([], cuts: [0, 0, 0]) == [])
    }

    @Test("only newlines: one empty line each", arguments: [1, 2, 10])
    func onlyNewlines(chunkSize: Int) {
        #expect(split(bytes("\n\n\n"), chunkSize: chunkSize) == [
            .line("", offset: 0), .line("", offset: 1), .line("", offset: 2),
        ])
    }

    @Test("CRLF is left intact: only \\n splits")
    func crlf() {
        #expect(split(bytes("a\r\nb\r\n\r\nc\rd\n"), chunkSize: 1) == [
            .line("a\r", offset: 0), .line("b\r", offset: 3), .line("\r", offset: 6), .line("c\rd", offset: 8),
        ])
    }

    @Test("arbitrary bytes (NUL, 0xFF, invalid UTF-8) pass through unchanged")
    func binaryBytes() {
        let input: [UInt8] = [0x00, 0xFF, 0x0A, 0xC3, 0x0A, 0x0D, 0x00, 0x0A]
        for size in [1, 2, 3, 8] {
            var splitter = LineSplitter()
            var lines: [([UInt8], Int)] = []
            input.withUnsafeBytes { all in
                for range in chunkRanges(count: all.count, size: size) {
                    splitter.feed(UnsafeRawBufferPointer(rebasing: all[range])) {
                        if case let .line(bytes, offset) = $0 { lines.append((Array(bytes), offset)) }
                    }
                }
            }
            splitter.finish { _ in Issue.record("nothing left to finish") }
            #expect(lines.map(\.0) == [[0x00, 0xFF], [0xC3], [0x0D, 0x00]])
            #expect(lines.map(\.1) == [0, 3, 5])
        }
    }

    static let overlongInput = bytes("abc\nabcdefgh\nxy\nabcd\n\nabcde")
    static let overlongExpected: [SplitLine] = [
        .line("abc", offset: 0),
        .overlong(offset: 4, bytesSeen: 8),
        .line("xy", offset: 13),
        .line("abcd", offset: 16),  // exactly maxLineBytes is allowed
        .line("", offset: 21),
        .overlong(offset: 22, bytesSeen: 5),  // final line without newline, reported by finish()
    ]

    @Test("overlong lines: reported with their offset and length, later lines intact, at every cut")
    func overlongEveryCut() {
        #expect(split(Self.overlongInput, cuts: [], maxLineBytes: 4) == Self.overlongExpected)
        for first in 0...Self.overlongInput.count {
            for second in first...Self.overlongInput.count {
                #expect(split(Self.overlongInput, cuts: [first, second], maxLineBytes: 4) == Self.overlongExpected,
                        "cuts at \(first), \(second)")
            }
        }
    }

    @Test("overlong lines with fixed chunk sizes", arguments: [1, 2, 3, 4, 5, 7, 64])
    func overlongChunkSizes(size: Int) {
        #expect(split(Self.overlongInput, chunkSize: size, maxLineBytes: 4) == Self.overlongExpected)
    }

    @Test("an overlong line spanning many chunks is not buffered and ends at its newline")
    func longOverlongLine() {
        let input = [UInt8](repeating: UInt8(ascii: "x"), count: 100_000) + bytes("\nafter\n")
        #expect(split(input, chunkSize: 4096, maxLineBytes: 1000) == [
            .overlong(offset: 0, bytesSeen: 100_000),
            .line("after", offset: 100_001),
        ])
    }

    @Test("maxLineBytes 0: every non-empty line is overlong, empty lines are kept")
    func zeroLimit() {
        #expect(split(bytes("\na\n\nbc"), chunkSize: 1, maxLineBytes: 0) == [
            .line("", offset: 0), .overlong(offset: 1, bytesSeen: 1), .line("", offset: 3), .overlong(offset: 4, bytesSeen: 2),
        ])
    }

    @Test("random lines and random chunking agree with a reference splitter", arguments: [UInt64(1), 2, 3, 4])
    func randomAgainstReference(seed: UInt64) {
        let noise = pseudoRandomBytes(count: 20_000, seed: seed)
        // Bytes mostly letters, about one in 20 a newline, so lines of many lengths (some empty).
        let input = noise.map { $0 % 20 == 0 ? UInt8(ascii: "\n") : UInt8(ascii: "a") + $0 % 26 }
        var cuts: [Int] = []
        var position = 0
        for byte in pseudoRandomBytes(count: 2000, seed: seed + 100) {
            position += Int(byte) % 60
            if position >= input.count { break }
            cuts.append(position)
        }
        for limit in [Int.max, 30, 5] {
            #expect(split(input, cuts: cuts, maxLineBytes: limit) == referenceSplit(input, maxLineBytes: limit),
                    "limit \(limit)")
        }
    }

    @Test("the line buffer handed to emit is only the line")
    func fastPathSlices() {
        // Several whole lines in one chunk: each emitted buffer must cover exactly its line.
        var splitter = LineSplitter()
        var counts: [Int] = []
        bytes("1\n22\n333\n").withUnsafeBytes { splitter.feed($0) {
            if case let .line(bytes, _) = $0 { counts.append(bytes.count) }
        } }
        #expect(counts == [1, 2, 3])
    }

    @Test("an error thrown by emit propagates")
    func emitErrorPropagates() {
        struct Stop: Error, Equatable {}
        var splitter = LineSplitter()
        #expect(throws: Stop()) {
            try bytes("a\nb\n").withUnsafeBytes { try splitter.feed($0) { _ in throw Stop() } }
        }
    }
}
