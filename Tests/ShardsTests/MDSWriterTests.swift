import CorpusIO
import Foundation
import Testing
@testable import Shards

/// Our MDS writer against the dataset mosaicml-streaming's MDSWriter wrote from the same samples.
@Suite struct MDSWriterTests {
    func writeGoldenSamples(to directory: String) throws -> MDSIndex {
        let writer = try MDSWriter(directory: directory, columns: goldenColumns,
                                   options: MDSWriterOptions(compressionLevel: 3, sizeLimit: 700))
        for i in 0..<23 { try writer.write(goldenSample(i)) }
        return try writer.finish()
    }

    @Test func uncompressedShardsAndIndexMatchStreaming() throws {
        let golden = try MDSIndex.load(directory: streamingGoldenDirectory)
        try withTemporaryDirectory { directory in
            let ours = try writeGoldenSamples(to: directory)
            #expect(ours.shards.count == golden.shards.count)
            #expect(ours.shards.map(\.samples) == golden.shards.map(\.samples))
            for (mine, theirs) in zip(ours.shards, golden.shards) {
                // Same bytes before compression: the rollover, header, config and samples all agree.
                #expect(mine.rawData == theirs.rawData)
                let theirRaw = try readFile(streamingGoldenDirectory + "/" + theirs.zipData!.basename)
                    .withUnsafeBytes { try ZstdDecompressor.decompress($0) }
                let ourRaw = try readFile(directory + "/" + mine.zipData!.basename)
                    .withUnsafeBytes { try ZstdDecompressor.decompress($0) }
                #expect(ourRaw == theirRaw)
            }
            // The index text is identical once the compressed files' entries (which depend on the
            // zstd library version) are taken from streaming's.
            var aligned = ours
            for index in aligned.shards.indices { aligned.shards[index].zipData = golden.shards[index].zipData }
            let goldenText = String(decoding: try readFile(streamingGoldenDirectory + "/index.json"), as: UTF8.self)
            #expect(aligned.text == goldenText)
            #expect(!FileSystem.exists(directory + "/shard.00000.mds"), "only the compressed file is kept")
        }
    }

    @Test func compressedFramesRecordTheirContentSize() throws {
        try withTemporaryDirectory { directory in
            let index = try writeGoldenSamples(to: directory)
            let frame = try readFile(directory + "/" + index.shards[0].zipData!.basename)
            // Frame header descriptor: bits 6-7 give the content-size field's width; 0 with the
            // single-segment flag (bit 5) clear would mean "size unknown".
            let descriptor = frame[4]
            #expect(descriptor >> 6 != 0 || descriptor & 0x20 != 0)
        }
    }

    @Test func valuesThatDoNotFitTheColumnAreRefused() throws {
        try withTemporaryDirectory { directory in
            let writer = try MDSWriter(directory: directory, columns: [MDSColumn(name: "tokens", element: .uint16, count: 2)])
            #expect(throws: ShardError.self) { try writer.write([[1, 70_000]]) }
            #expect(throws: ShardError.self) { try writer.write([[1, 2, 3]]) }
        }
    }

    @Test func noSizeLimitWritesOneShard() throws {
        try withTemporaryDirectory { directory in
            let writer = try MDSWriter(directory: directory, columns: goldenColumns,
                                       options: MDSWriterOptions(compressionLevel: nil, sizeLimit: nil))
            for i in 0..<50 { try writer.write(goldenSample(i)) }
            let index = try writer.finish()
            #expect(index.shards.count == 1)
            #expect(index.shards[0].zipData == nil && index.shards[0].compression == nil)
            #expect(FileSystem.exists(directory + "/shard.00000.mds"))
        }
    }

    /// Shards are finished on background threads with recycled buffers; the dataset must be the
    /// same file for file whatever the worker count, and read back sample for sample.
    @Test func backgroundFinishingIsIndependentOfWorkers() throws {
        var datasets: [[String: [UInt8]]] = []
        for workers in [1, 3] {
            try withTemporaryDirectory { directory in
                let writer = try MDSWriter(directory: directory, columns: goldenColumns, options: MDSWriterOptions(
                    compressionLevel: 3, sizeLimit: 400, compressionWorkers: workers))
                for i in 0..<200 { try writer.write(goldenSample(i)) }
                let index = try writer.finish()
                #expect(index.shards.count > 20)
                let reader = try ShardReader(directory: directory)
                #expect(reader.sampleCount == 200)
                for i in 0..<200 { #expect(try reader.values(at: i) == goldenSample(i)) }
                #expect(try ShardVerifier.verify(directory: directory).problems.isEmpty)
                var files: [String: [UInt8]] = [:]
                for name in FileSystem.list(directory) { files[name] = try readFile(directory + "/" + name) }
                datasets.append(files)
            }
        }
        #expect(datasets[0] == datasets[1])
    }

    @Test func aShardThatCannotBeWrittenFailsTheWriter() throws {
        try withTemporaryDirectory { directory in
            let target = directory + "/gone"
            let writer = try MDSWriter(directory: target, columns: goldenColumns,
                                       options: MDSWriterOptions(compressionLevel: 3, sizeLimit: 400))
            try FileManager.default.removeItem(atPath: target)
            #expect(throws: FileError.self) {
                for i in 0..<50 { try writer.write(goldenSample(i)) }
                try writer.finish()
            }
        }
    }
}
