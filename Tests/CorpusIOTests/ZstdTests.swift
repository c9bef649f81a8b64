import Foundation
import Testing
@testable import CorpusIO

/// Streams `input` through a `ZstdCompressor`, `chunkSize` bytes per call, and returns one frame.
private func streamCompress(_ input: [UInt8], chunkSize: Int, level: Int32 = 3,
                            pledgedSize: UInt64? = nil) throws -> [UInt8] {
    let compressor = try ZstdCompressor(level: level, pledgedSize: pledgedSize)
    var output: [UInt8] = []
    try input.withUnsafeBytes { all in
        for range in chunkRanges(count: all.count, size: chunkSize) {
            try compressor.compress(UnsafeRawBufferPointer(rebasing: all[range])) { output.append(contentsOf: $0) }
        }
    }
    try compressor.finish { output.append(contentsOf: $0) }
    return output
}

/// Streams `compressed` through one `ZstdDecompressor`, `chunkSize` bytes per call.
private func streamDecompress(_ compressed: [UInt8], chunkSize: Int) throws -> (output: [UInt8], insideFrame: Bool) {
    let decompressor = try ZstdDecompressor()
    var output: [UInt8] = []
    try compressed.withUnsafeBytes { all in
        for range in chunkRanges(count: all.count, size: chunkSize) {
            try decompressor.decompress(UnsafeRawBufferPointer(rebasing: all[range])) { output.append(contentsOf: $0) }
        }
    }
    return (output, decompressor.insideFrame)
}

private func oneShotCompress(_ input: [UInt8], level: Int32 = 3) throws -> [UInt8] {
    try input.withUnsafeBytes { try ZstdCompressor.compress($0, level: level) }
}

private func oneShotDecompress(_ input: [UInt8]) throws -> [UInt8] {
    try input.withUnsafeBytes { try ZstdDecompressor.decompress($0) }
}

/// The parsed start of a zstd frame header (RFC 8878, 3.1.1.1).
private struct FrameHeader {
    var hasChecksum: Bool
    var contentSize: UInt64?
}

private func parseFrameHeader(_ frame: [UInt8]) -> FrameHeader? {
    guard frame.count >= 6, Array(frame[0..<4]) == [0x28, 0xB5, 0x2F, 0xFD] else { return nil }
    let descriptor = frame[4]
    let sizeFlag = Int(descriptor >> 6)
    let singleSegment = (descriptor >> 5) & 1 == 1
    let dictionaryIDSize = [0, 1, 2, 4][Int(descriptor & 3)]
    var position = 5 + (singleSegment ? 0 : 1) + dictionaryIDSize
    let sizeBytes = sizeFlag == 0 ? (singleSegment ? 1 : 0) : [1, 2, 4, 8][sizeFlag]
    var contentSize: UInt64?
    if sizeBytes > 0 {
        var value: UInt64 = 0
        for i in 0..<sizeBytes {
            value |= UInt64(frame[position]) << (8 * UInt64(i))
            position += 1
        }
        contentSize = sizeBytes == 2 ? value + 256 : value
    }
    return FrameHeader(hasChecksum: descriptor & 0x04 != 0, contentSize: contentSize)
}

private struct SinkFailure: Error, Equatable {}

@Suite("Zstd")
struct ZstdTests {
    /// 200 KB, half text and half random: larger than libzstd's 128 KB block and output buffer.
    static let sample = mixedBytes(count: 200_000, seed: 7)

    @Test("streaming round trip", arguments: [
        (compressChunk: 1 << 20, decompressChunk: 1),
        (compressChunk: 1, decompressChunk: 1 << 20),
        (compressChunk: 3, decompressChunk: 2),
        (compressChunk: 17, decompressChunk: 5),
        (compressChunk: 1000, decompressChunk: 999),
        (compressChunk: 4096, decompressChunk: 131_072),
        (compressChunk: 131_072, decompressChunk: 131_075),
        (compressChunk: 200_000, decompressChunk: 200_000),
    ])
    func streamingRoundTrip(compressChunk: Int, decompressChunk: Int) throws {
        let compressed = try streamCompress(Self.sample, chunkSize: compressChunk)
        #expect(compressed.count < Self.sample.count)
        let (output, insideFrame) = try streamDecompress(compressed, chunkSize: decompressChunk)
        #expect(output == Self.sample)
        #expect(!insideFrame)
    }

    @Test("highly compressible input: one input byte can fill the output buffer many times",
          arguments: [1, 64, 1 << 20])
    func largeExpansion(decompressChunk: Int) throws {
        // 3 MB of zeros plus a tail compress to a few hundred bytes; decompression produces
        // far more than one ZSTD_DStreamOutSize() buffer per call.
        let input = [UInt8](repeating: 0, count: 3_000_000) + bytes("tail\n")
        let compressed = try oneShotCompress(input)
        #expect(compressed.count < 1000)
        let (output, insideFrame) = try streamDecompress(compressed, chunkSize: decompressChunk)
        #expect(output.count == input.count)
        #expect(output == input)
        #expect(!insideFrame)
    }

    @Test("concatenated frames decode as one stream", arguments: [1, 2, 5, 64, 1 << 20])
    func multiFrame(decompressChunk: Int) throws {
        let first = textBytes(count: 5000)
        let second = pseudoRandomBytes(count: 3000, seed: 3)
        let third = bytes("third frame\n")
        let stream = try oneShotCompress(first) + streamCompress(second, chunkSize: 100)
            + streamCompress([], chunkSize: 1) + oneShotCompress(third, level: 19)
        let (output, insideFrame) = try streamDecompress(stream, chunkSize: decompressChunk)
        #expect(output == first + second + third)
        #expect(!insideFrame)
        #expect(try oneShotDecompress(stream) == first + second + third)
    }

    @Test("skippable frames are skipped", arguments: [1, 3, 1 << 20])
    func skippableFrames(decompressChunk: Int) throws {
        // Skippable frame: magic 0x184D2A50 (little endian), payload size 5, then 5 payload bytes.
        let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 5, 0, 0, 0] + bytes("HELLO")
        let frame = try oneShotCompress(bytes("visible\n"))
        let (output, insideFrame) = try streamDecompress(skippable + frame + skippable, chunkSize: decompressChunk)
        #expect(output == bytes("visible\n"))
        #expect(!insideFrame)
    }

    @Test("insideFrame is true mid-frame and false exactly at each frame's end")
    func insideFrameTracksFrames() throws {
        let frame = try oneShotCompress(bytes("hello, frame\n"))
        let decompressor = try ZstdDecompressor()
        #expect(!decompressor.insideFrame)
        var output: [UInt8] = []
        try frame.withUnsafeBytes { all in
            try decompressor.decompress(UnsafeRawBufferPointer(rebasing: all[0..<(all.count - 1)])) { output.append(contentsOf: $0) }
            #expect(decompressor.insideFrame)
            try decompressor.decompress(UnsafeRawBufferPointer(rebasing: all[(all.count - 1)...])) { output.append(contentsOf: $0) }
            #expect(!decompressor.insideFrame)
            // A second frame on the same decompressor: one byte of it is enough to be inside.
            try decompressor.decompress(UnsafeRawBufferPointer(rebasing: all[0..<1])) { output.append(contentsOf: $0) }
            #expect(decompressor.insideFrame)
            try decompressor.decompress(UnsafeRawBufferPointer(rebasing: all[1...])) { output.append(contentsOf: $0) }
            #expect(!decompressor.insideFrame)
        }
        #expect(output == bytes("hello, frame\nhello, frame\n"))
    }

    @Test("empty input")
    func emptyInput() throws {
        let oneShot = try oneShotCompress([])
        #expect(Array(oneShot.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        #expect(parseFrameHeader(oneShot)?.contentSize == 0)
        #expect(try oneShotDecompress(oneShot) == [])

        let streamed = try streamCompress([], chunkSize: 1)
        #expect(Array(streamed.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        let (output, insideFrame) = try streamDecompress(streamed, chunkSize: 1)
        #expect(output == [])
        #expect(!insideFrame)

        // No compressed bytes at all: nothing out, not inside a frame.
        #expect(try oneShotDecompress([]) == [])
        let decompressor = try ZstdDecompressor()
        var calls = 0
        try decompressor.decompress(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in calls += 1 }
        #expect(calls == 0)
        #expect(!decompressor.insideFrame)
    }

    @Test("frame headers: checksum always on, content size when known")
    func frameHeaders() throws {
        let input = textBytes(count: 10_000)
        let streamed = try #require(parseFrameHeader(streamCompress(input, chunkSize: 999)))
        #expect(streamed.hasChecksum)
        #expect(streamed.contentSize == nil)

        let pledged = try #require(parseFrameHeader(streamCompress(input, chunkSize: 999, pledgedSize: 10_000)))
        #expect(pledged.hasChecksum)
        #expect(pledged.contentSize == 10_000)

        let oneShot = try #require(parseFrameHeader(oneShotCompress(input)))
        #expect(oneShot.contentSize == 10_000)
    }

    @Test("parts compress as one frame of their concatenation, with content size and checksum",
          arguments: [[0], [0, 0], [1], [7, 0, 70_000], [3, 5, 11, 1 << 20]])
    func partsCompressAsOneFrame(sizes: [Int]) throws {
        // Distinct contents per part, so a part dropped or repeated would show.
        let parts = sizes.enumerated().map { number, size in
            number % 2 == 0 ? textBytes(count: size) : Array(textBytes(count: size).reversed())
        }
        let joined = parts.flatMap { $0 }
        let compressed = try withParts(parts) { try ZstdCompressor.compress(parts: $0, level: 3) }
        let header = try #require(parseFrameHeader(compressed))
        #expect(header.hasChecksum)
        #expect(header.contentSize == UInt64(joined.count))
        #expect(try oneShotDecompress(compressed) == joined)
        // Reproducible: the same parts give the same frame.
        #expect(try withParts(parts) { try ZstdCompressor.compress(parts: $0, level: 3) } == compressed)
    }

    @Test("a pledged size that does not match the input fails with libzstd's message")
    func wrongPledgedSize() throws {
        let error = try #require(throws: ZstdError.self) {
            _ = try streamCompress(textBytes(count: 500), chunkSize: 100, pledgedSize: 400)
        }
        #expect(error.message == "Src size is incorrect")
        #expect(error.description == "zstd: Src size is incorrect")
    }

    @Test("one-shot compress and the level parameter", arguments: [1, 3, 9, 19])
    func oneShotLevels(level: Int32) throws {
        let compressed = try oneShotCompress(Self.sample, level: level)
        #expect(compressed.count < Self.sample.count)
        #expect(try oneShotDecompress(compressed) == Self.sample)
    }

    @Test("our one-shot and streaming frames decode with the zstd CLI",
          .enabled(if: toolExists("/usr/bin/zstd")))
    func cliDecodesOurFrames() throws {
        try withTemporaryDirectory { dir in
            for (name, frame) in [("oneshot", try oneShotCompress(Self.sample)),
                                  ("stream", try streamCompress(Self.sample, chunkSize: 777))] {
                try writeFile("\(dir)/\(name).zst", frame)
                let status = try runTool("/usr/bin/zstd", ["-q", "-dc", "\(dir)/\(name).zst"], stdout: "\(dir)/\(name).out")
                #expect(status == 0, "zstd -dc failed on \(name)")
                #expect(try readFile("\(dir)/\(name).out") == Self.sample, "\(name)")
            }
        }
    }

    @Test("the zstd CLI's output decodes with our decompressor", .enabled(if: toolExists("/usr/bin/zstd")),
          arguments: [["-1"], ["-19"], ["-3", "--no-check"], ["-3", "--long=27"]])
    func weDecodeCLIFrames(options: [String]) throws {
        try withTemporaryDirectory { dir in
            try writeFile("\(dir)/input", Self.sample)
            let status = try runTool("/usr/bin/zstd", ["-q", "-c"] + options + ["\(dir)/input"], stdout: "\(dir)/input.zst")
            try #require(status == 0)
            let compressed = try readFile("\(dir)/input.zst")
            #expect(try oneShotDecompress(compressed) == Self.sample)
            #expect(try streamDecompress(compressed, chunkSize: 1).output == Self.sample)
        }
    }

    @Test("a truncated frame: insideFrame stays true, one-shot decompression throws",
          arguments: [1, 2, 4, 10, 100, 10_000])
    func truncatedFrame(bytesRemoved: Int) throws {
        let compressed = try streamCompress(Self.sample, chunkSize: 4096)
        let truncated = Array(compressed.dropLast(bytesRemoved))
        let (output, insideFrame) = try streamDecompress(truncated, chunkSize: 1000)
        #expect(insideFrame)
        // Whatever came out is a correct prefix (all of it when only the checksum was cut).
        #expect(output == Array(Self.sample.prefix(output.count)))
        if bytesRemoved > 4 { #expect(output.count < Self.sample.count) }
        let error = try #require(throws: ZstdError.self) { _ = try oneShotDecompress(truncated) }
        #expect(error.message == "truncated frame")
    }

    @Test("only the first bytes of a frame header: inside a frame, nothing decoded", arguments: [1, 3, 4, 5])
    func truncatedHeader(kept: Int) throws {
        let compressed = try oneShotCompress(bytes("some content\n"))
        let (output, insideFrame) = try streamDecompress(Array(compressed.prefix(kept)), chunkSize: 1)
        #expect(output == [])
        #expect(insideFrame)
        #expect(throws: ZstdError.self) { _ = try oneShotDecompress(Array(compressed.prefix(kept))) }
    }

    @Test("garbage input throws ZstdError with libzstd's message", arguments: [1, 4, 1 << 20])
    func garbageInput(chunkSize: Int) throws {
        let garbage = bytes("this is certainly not a zstd frame, just some text\n")
        let error = try #require(throws: ZstdError.self) { _ = try streamDecompress(garbage, chunkSize: chunkSize) }
        #expect(error.message == "Unknown frame descriptor")
        #expect(error.description == "zstd: Unknown frame descriptor")
    }

    @Test("garbage after a valid frame is detected")
    func garbageAfterFrame() throws {
        let frame = try oneShotCompress(bytes("valid\n"))
        let error = try #require(throws: ZstdError.self) { _ = try oneShotDecompress(frame + bytes("junk junk junk")) }
        #expect(error.message.contains("Unknown frame descriptor"))
    }

    @Test("a corrupted checksum is detected")
    func corruptedChecksum() throws {
        var compressed = try streamCompress(textBytes(count: 3000), chunkSize: 3000)
        compressed[compressed.count - 1] ^= 0xFF
        let error = try #require(throws: ZstdError.self) { _ = try oneShotDecompress(compressed) }
        #expect(error.message == "Restored data doesn't match checksum")
    }

    @Test("errors thrown by a sink propagate unchanged")
    func sinkErrorsPropagate() throws {
        let compressed = try oneShotCompress(textBytes(count: 1000))
        let decompressor = try ZstdDecompressor()
        #expect(throws: SinkFailure()) {
            try compressed.withUnsafeBytes { try decompressor.decompress($0) { _ in throw SinkFailure() } }
        }
        let compressor = try ZstdCompressor()
        #expect(throws: SinkFailure()) {
            try compressor.finish { _ in throw SinkFailure() }
        }
    }
}

/// Calls `body` with unsafe views of every array in `parts`, all valid at once.
private func withParts<R>(_ parts: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws -> R) rethrows -> R {
    func nest(_ index: Int, _ views: [UnsafeRawBufferPointer]) throws -> R {
        guard index < parts.count else { return try body(views) }
        return try parts[index].withUnsafeBytes { try nest(index + 1, views + [$0]) }
    }
    return try nest(0, [])
}
