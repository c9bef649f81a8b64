import CorpusIO
import Foundation
import Testing
@testable import Shards

@Suite struct ShardReaderTests {
    @Test func readsStreamingsDatasetSampleBySample() throws {
        let reader = try ShardReader(directory: streamingGoldenDirectory)
        #expect(reader.sampleCount == 23)
        // Out of order, crossing shards both ways.
        for i in [22, 0, 9, 8, 15, 3, 16] {
            let sample = try reader.sample(at: i)
            let expected = goldenSample(i)
            #expect(sample.boundaries == expected[0])
            #expect(sample.lossMask == expected[1].map { UInt8($0) })
            #expect(sample.tokens == expected[2])
        }
        #expect(throws: ShardError.self) { try reader.sample(at: 23) }
    }

    @Test func goldenDatasetVerifiesClean() throws {
        let result = try ShardVerifier.verify(directory: streamingGoldenDirectory)
        #expect(result.isClean, "\(result.problems)")
        #expect(result.shards == 3 && result.samples == 23)
    }

    /// A copy of the golden folder to damage.
    func copyOfGolden(in directory: String) throws -> String {
        let copy = directory + "/mds"
        try FileManager.default.copyItem(atPath: streamingGoldenDirectory, toPath: copy)
        return copy
    }

    @Test func verifyReportsAFlippedByteByFile() throws {
        try withTemporaryDirectory { directory in
            let copy = try copyOfGolden(in: directory)
            let path = copy + "/shard.00001.mds.zstd"
            var bytes = try readFile(path)
            bytes[bytes.count / 2] ^= 0x10
            try writeFile(bytes, path)
            let result = try ShardVerifier.verify(directory: copy)
            #expect(!result.isClean)
            #expect(result.problems.allSatisfy { $0.file.hasPrefix(path) })
            #expect(result.problems.contains { $0.message.contains("sha1") })
        }
    }

    @Test func verifyNamesTheFirstSampleLostToTruncation() throws {
        try withTemporaryDirectory { directory in
            let copy = try copyOfGolden(in: directory)
            // An uncompressed copy, cut inside sample 5 of shard 0.
            let index = try MDSIndex.load(directory: copy)
            let raw = try readFile(copy + "/shard.00000.mds.zstd").withUnsafeBytes { try ZstdDecompressor.decompress($0) }
            let offsets = raw.withUnsafeBytes { b in (0...8).map { Int(MDSSampleCoding.readUInt(b, at: 4 + 4 * $0, width: 4)) } }
            var entry = index.shards[0]
            entry.zipData = nil
            entry.compression = nil
            var edited = index
            edited.shards[0] = entry
            try writeFile(Array(edited.text.utf8), copy + "/index.json")
            try writeFile(Array(raw[..<(offsets[5] + 3)]), copy + "/shard.00000.mds")
            let result = try ShardVerifier.verify(directory: copy)
            #expect(result.problems.contains { $0.file.hasSuffix("shard.00000.mds") && $0.sample == 5 && $0.message.contains("truncated") })
        }
    }

    @Test func verifyReportsATruncatedCompressedShard() throws {
        try withTemporaryDirectory { directory in
            let copy = try copyOfGolden(in: directory)
            let path = copy + "/shard.00002.mds.zstd"
            let bytes = try readFile(path)
            try writeFile(Array(bytes[..<(bytes.count - 40)]), path)
            let result = try ShardVerifier.verify(directory: copy)
            #expect(result.problems.contains { $0.file.hasPrefix(path) && $0.message.contains("bytes, the index says") })
            #expect(result.problems.contains { $0.message.contains("truncated") })
        }
    }

    @Test func aMissingShardIsAClearError() throws {
        try withTemporaryDirectory { directory in
            let copy = try copyOfGolden(in: directory)
            try FileManager.default.removeItem(atPath: copy + "/shard.00001.mds.zstd")
            #expect {
                _ = try ShardReader(directory: copy)
            } throws: { error in
                "\(error)".contains("shard.00001.mds.zstd") && "\(error)".contains("missing")
            }
            let result = try ShardVerifier.verify(directory: copy)
            #expect(result.problems.count == 1)
        }
    }
}

/// Damage located to the sample, through the per-sample checksums our writer leaves.
@Suite struct VerifyBySampleTests {
    func written(in directory: String, compressed: Bool) throws -> String {
        let folder = directory + "/mds"
        let writer = try MDSWriter(directory: folder, columns: goldenColumns,
                                   options: MDSWriterOptions(compressionLevel: compressed ? 3 : nil, sizeLimit: 700))
        for i in 0..<23 { try writer.write(goldenSample(i)) }
        try writer.finish()
        return folder
    }

    @Test func aFlippedByteIsReportedByFileAndSample() throws {
        try withTemporaryDirectory { directory in
            let folder = try written(in: directory, compressed: false)
            let path = folder + "/shard.00001.mds"
            var bytes = try readFile(path)
            let offsets = bytes.withUnsafeBytes { b in (0...8).map { Int(MDSSampleCoding.readUInt(b, at: 4 + 4 * $0, width: 4)) } }
            bytes[offsets[6] + 20] ^= 0x01  // inside sample 6's token values
            try writeFile(bytes, path)
            let result = try ShardVerifier.verify(directory: folder)
            #expect(result.problems.contains { $0.file == path && $0.message.contains("sha1") })
            #expect(result.problems.filter { $0.sample != nil }.map(\.sample) == [6])
        }
    }

    @Test func aFlippedByteInACompressedShardNamesASample() throws {
        try withTemporaryDirectory { directory in
            let folder = try written(in: directory, compressed: true)
            let path = folder + "/shard.00000.mds.zstd"
            var bytes = try readFile(path)
            bytes[bytes.count - 30] ^= 0x04
            try writeFile(bytes, path)
            let result = try ShardVerifier.verify(directory: folder)
            #expect(result.problems.contains { $0.file.hasPrefix(path) && $0.sample != nil })
        }
    }
}

@Suite struct ShardIntegrityTests {
    /// Issue 15: a sample altered and its shard recompressed (a valid zstd frame of the right format)
    /// trained silently; the reader now checks the index's size and xxh3_64 when it opens a shard.
    @Test func anAlteredRecompressedShardIsRefusedWithFileAndSample() throws {
        try withTemporaryDirectory { directory in
            let folder = try VerifyBySampleTests().written(in: directory, compressed: true)
            let path = folder + "/shard.00001.mds.zstd"
            var raw = try readFile(path).withUnsafeBytes { try ZstdDecompressor.decompress($0) }
            let offsets = raw.withUnsafeBytes { b in (0...2).map { Int(MDSSampleCoding.readUInt(b, at: 4 + 4 * $0, width: 4)) } }
            raw[offsets[1] + 20] ^= 0x01   // one token of the shard's second sample
            try writeFile(try raw.withUnsafeBytes { try ZstdCompressor.compress($0, level: 3) }, path)
            let reader = try ShardReader(directory: folder)
            let first = reader.samples(inShard: 1).lowerBound
            #expect(try reader.sample(at: 0).tokens == goldenSample(0)[2])   // shard 0 is intact
            let error = #expect(throws: ShardError.self) { try reader.sample(at: first + 1) }
            #expect(error?.file == path && error?.sample == first + 1 && error?.message.contains("damaged") == true)
        }
    }
}
