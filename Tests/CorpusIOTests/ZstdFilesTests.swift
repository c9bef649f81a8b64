import Foundation
import Testing
@testable import CorpusIO

private func readLines(_ path: String, maxLineBytes: Int = .max) throws -> [SplitLine] {
    var lines: [SplitLine] = []
    try ZstdLineReader.forEachLine(path: path, maxLineBytes: maxLineBytes) { lines.append(SplitLine($0)) }
    return lines
}

/// `count` numbered JSON-ish lines and their expected offsets.
private func sampleLines(_ count: Int) -> (text: [UInt8], lines: [SplitLine]) {
    var text: [UInt8] = []
    var lines: [SplitLine] = []
    for i in 0..<count {
        let line = "{\"id\": \(i), \"text\": \"document number \(i) \(String(repeating: "é", count: i % 13))\"}"
        lines.append(.line(line, offset: text.count))
        text.append(contentsOf: line.utf8)
        text.append(UInt8(ascii: "\n"))
    }
    return (text, lines)
}

@Suite("ZstdFiles")
struct ZstdFilesTests {
    @Test("ZstdFileWriter + ZstdLineReader round trip, writes cutting lines anywhere", arguments: [1, 7, 4096, 1 << 22])
    func roundTrip(writeSize: Int) throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/docs.jsonl.zst"
            let (text, lines) = sampleLines(writeSize == 1 ? 2_000 : 40_000)
            let writer = try ZstdFileWriter(path: path)
            #expect(writer.path == path)
            for range in chunkRanges(count: text.count, size: writeSize) { try writer.write(Array(text[range])) }
            #expect(writer.bytesIn == text.count)
            #expect(!fileExists(path))
            try writer.commit()
            #expect(!fileExists(path + ".tmp"))
            #expect(writer.compressedBytes == (try readFile(path)).count)
            #expect(writer.compressedBytes < text.count)
            #expect(try readLines(path) == lines)
        }
    }

    @Test("a multi-megabyte file spanning several read chunks")
    func largeFile() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/big.zst"
            // Random hex lines compress poorly, so the .zst is larger than one 1 MB read chunk.
            let noise = pseudoRandomBytes(count: 1_500_000, seed: 12)
            var text: [UInt8] = []
            var expected: [SplitLine] = []
            for (i, byte) in noise.enumerated() {
                if i % 100 == 0 && i > 0 { text.append(UInt8(ascii: "\n")) }
                text.append(contentsOf: String(byte, radix: 16).utf8)
            }
            var start = 0
            for (i, byte) in text.enumerated() where byte == UInt8(ascii: "\n") {
                expected.append(.line(String(decoding: text[start..<i], as: UTF8.self), offset: start))
                start = i + 1
            }
            expected.append(.line(String(decoding: text[start...], as: UTF8.self), offset: start))
            let writer = try ZstdFileWriter(path: path, level: 1)
            try writer.write(text)
            try writer.commit()
            #expect((try readFile(path)).count > 1 << 20)
            #expect(try readLines(path) == expected)
        }
    }

    @Test("the zstd CLI decodes ZstdFileWriter output", .enabled(if: toolExists("/usr/bin/zstd")))
    func cliDecodesWriter() throws {
        try withTemporaryDirectory { dir in
            let (text, _) = sampleLines(5000)
            let writer = try ZstdFileWriter(path: "\(dir)/x.zst", level: 5)
            try writer.write(text)
            try writer.commit()
            try #require(try runTool("/usr/bin/zstd", ["-q", "-dc", "\(dir)/x.zst"], stdout: "\(dir)/x") == 0)
            #expect(try readFile("\(dir)/x") == text)
        }
    }

    @Test("lines of a file compressed by the zstd CLI, and of two concatenated frames",
          .enabled(if: toolExists("/usr/bin/zstd")))
    func cliFilesAndConcatenation() throws {
        try withTemporaryDirectory { dir in
            try writeFile("\(dir)/a", bytes("one\ntwo\nthr"))  // the last line continues in the next frame
            try writeFile("\(dir)/b", bytes("ee\nfour\n"))
            try #require(try runTool("/usr/bin/zstd", ["-q", "-c", "\(dir)/a"], stdout: "\(dir)/a.zst") == 0)
            try #require(try runTool("/usr/bin/zstd", ["-q", "-c", "\(dir)/b"], stdout: "\(dir)/b.zst") == 0)
            try writeFile("\(dir)/ab.zst", try readFile("\(dir)/a.zst") + readFile("\(dir)/b.zst"))
            #expect(try readLines("\(dir)/a.zst") == [.line("one", offset: 0), .line("two", offset: 4), .line("thr", offset: 8)])
            #expect(try readLines("\(dir)/ab.zst") == [
                .line("one", offset: 0), .line("two", offset: 4), .line("three", offset: 8), .line("four", offset: 14),
            ])
        }
    }

    @Test("a truncated .zst throws CorruptInputError naming the path", arguments: [1, 50, 5000])
    func truncated(bytesRemoved: Int) throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/cut.jsonl.zst"
            let writer = try ZstdFileWriter(path: path)
            try writer.write(sampleLines(3000).text)
            try writer.commit()
            let whole = try readFile(path)
            let cut = Array(whole.dropLast(bytesRemoved))
            try writeFile(path, cut)
            var delivered: [SplitLine] = []
            let error = try #require(throws: CorruptInputError.self) {
                try ZstdLineReader.forEachLine(path: path) { delivered.append(SplitLine($0)) }
            }
            #expect(error.path == path)
            #expect(error.offset == cut.count)
            #expect(error.message == "zstd: truncated frame")
            #expect(error.description == "\(path): byte \(cut.count): zstd: truncated frame")
            // What was delivered before the failure is a correct prefix of the lines.
            #expect(delivered == Array(sampleLines(3000).lines.prefix(delivered.count)))
        }
    }

    @Test("a .zst that is not zstd throws CorruptInputError with libzstd's message")
    func garbage() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/fake.zst"
            try writeFile(path, bytes("plain text pretending to be zstd\n"))
            let error = try #require(throws: CorruptInputError.self) { try readLines(path) }
            #expect(error.path == path)
            #expect(error.offset == 0)
            #expect(error.message == "zstd: Unknown frame descriptor")
        }
    }

    @Test("corruption in a later read chunk reports that chunk's offset")
    func corruptionOffset() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/late.zst"
            let writer = try ZstdFileWriter(path: path, level: 1)
            try writer.write(pseudoRandomBytes(count: 1_500_000, seed: 21))  // incompressible: > 1 MB compressed
            try writer.commit()
            var compressed = try readFile(path)
            #expect(compressed.count > 1 << 20)
            compressed.append(contentsOf: bytes("trailing junk, not a frame"))
            try writeFile(path, compressed)
            let error = try #require(throws: CorruptInputError.self) { try readLines(path) }
            #expect(error.offset == 1 << 20)  // start of the second 1 MB read chunk
            #expect(error.message == "zstd: Unknown frame descriptor")
        }
    }

    @Test("a file without the .zst suffix is read as plain text")
    func plainFile() throws {
        try withTemporaryDirectory { dir in
            try writeFile("\(dir)/plain.jsonl", bytes("a\n\nbb\r\nccc"))
            #expect(try readLines("\(dir)/plain.jsonl") == [
                .line("a", offset: 0), .line("", offset: 2), .line("bb\r", offset: 3), .line("ccc", offset: 7),
            ])
            try writeFile("\(dir)/empty.jsonl", [])
            #expect(try readLines("\(dir)/empty.jsonl") == [])
        }
    }

    @Test("maxLineBytes reaches the splitter, for .zst and plain files")
    func overlongLines() throws {
        try withTemporaryDirectory { dir in
            let text = bytes("short\n") + [UInt8](repeating: UInt8(ascii: "z"), count: 50_000) + bytes("\nend\n")
            try writeFile("\(dir)/p.txt", text)
            let writer = try ZstdFileWriter(path: "\(dir)/p.txt.zst")
            try writer.write(text)
            try writer.commit()
            let expected: [SplitLine] = [
                .line("short", offset: 0), .overlong(offset: 6, bytesSeen: 50_000), .line("end", offset: 50_007),
            ]
            #expect(try readLines("\(dir)/p.txt", maxLineBytes: 1000) == expected)
            #expect(try readLines("\(dir)/p.txt.zst", maxLineBytes: 1000) == expected)
        }
    }

    @Test("an empty ZstdFileWriter file holds one empty frame")
    func emptyWriter() throws {
        try withTemporaryDirectory { dir in
            let writer = try ZstdFileWriter(path: "\(dir)/e.zst")
            try writer.commit()
            #expect(writer.bytesIn == 0)
            let compressed = try readFile("\(dir)/e.zst")
            #expect(Array(compressed.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
            #expect(try compressed.withUnsafeBytes { try ZstdDecompressor.decompress($0) } == [])
            #expect(try readLines("\(dir)/e.zst") == [])
        }
    }

    @Test("an uncommitted ZstdFileWriter leaves no file behind")
    func uncommittedWriter() throws {
        try withTemporaryDirectory { dir in
            func writeWithoutCommit() throws {
                let writer = try ZstdFileWriter(path: "\(dir)/u.zst")
                try writer.write(pseudoRandomBytes(count: 2 << 20, seed: 6))
                #expect(fileExists("\(dir)/u.zst.tmp"))
            }
            try writeWithoutCommit()
            #expect(FileSystem.list(dir) == [])
        }
    }

    @Test("errors thrown by the line callback propagate unchanged")
    func callbackErrors() throws {
        struct Stop: Error, Equatable {}
        try withTemporaryDirectory { dir in
            let writer = try ZstdFileWriter(path: "\(dir)/s.zst")
            try writer.write(bytes("a\nb\nc\n"))
            try writer.commit()
            var seen = 0
            #expect(throws: Stop()) {
                try ZstdLineReader.forEachLine(path: "\(dir)/s.zst") { _ in
                    seen += 1
                    if seen == 2 { throw Stop() }
                }
            }
            #expect(seen == 2)
        }
    }

    @Test("a missing file throws FileError")
    func missing() throws {
        try withTemporaryDirectory { dir in
            #expect(throws: FileError.self) { try readLines("\(dir)/absent.zst") }
            #expect(throws: FileError.self) { try readLines("\(dir)/absent.txt") }
        }
    }
}
