import Foundation
import Testing
@testable import Shards

@Suite struct IteratorAndMegatronTests {
    func packed(in directory: String, megatron: Bool = true) throws {
        var options = PackOptions()
        options.seqLen = 31
        options.validationFraction = 0
        options.shardSizeLimit = 1024  // many small shards
        options.megatron = megatron
        let documents = textDocuments(source: "s", count: 120, length: { 40 + ($0 * 29) % 90 })
        try PhasePacker(mixture: PhaseMixture(name: "p", weights: ["s": 1]), options: options, encoder: ByteEncoder(),
                        tokenizerHash: "t").pack(documents, into: directory)
    }

    @Test func resumingFromASavedPositionContinuesExactly() throws {
        try withTemporaryDirectory { directory in
            try packed(in: directory)
            let reader = try ShardReader(directory: directory + "/train")
            #expect(reader.index.shards.count > 3)
            let total = reader.sampleCount
            let iterator = try ShardBatchIterator(reader: reader, seed: 42, shuffleBuffer: 8)
            let firstEpoch = try iterator.nextBatch(total)
            // Every sample once per epoch, not in stored order.
            #expect(Set(firstEpoch.map(\.tokens)).count == total)
            #expect(firstEpoch.map(\.tokens) != (0..<total).map { try! reader.sample(at: $0).tokens })
            _ = try iterator.nextBatch(5)
            let saved = try JSONDecoder().decode(ShardIteratorPosition.self, from: JSONEncoder().encode(iterator.position))
            #expect(saved.epoch == 1 && saved.cursor == 5)
            let expected = try iterator.nextBatch(total)  // crosses into epoch 2
            let resumed = try ShardBatchIterator(reader: try ShardReader(directory: directory + "/train"), resumingAt: saved)
            #expect(try resumed.nextBatch(total).map(\.tokens) == expected.map(\.tokens))
            // Another epoch is another order; another seed another order.
            let other = try ShardBatchIterator(reader: reader, seed: 43, shuffleBuffer: 8)
            #expect(try other.nextBatch(total).map(\.tokens) != firstEpoch.map(\.tokens))
        }
    }

    @Test func megatronSequencesAreTheMDSSamples() throws {
        try withTemporaryDirectory { directory in
            try packed(in: directory)
            let reader = try ShardReader(directory: directory + "/train")
            let megatron = try MegatronDataset(prefix: directory + "/train/megatron/tokens")
            #expect(megatron.count == reader.sampleCount)
            #expect(megatron.element == .uint16)
            #expect(megatron.documentIndices == Array(0...reader.sampleCount))
            for index in 0..<reader.sampleCount { #expect(megatron.sequence(index) == (try reader.sample(at: index)).tokens) }
        }
    }

    @Test func aTruncatedMegatronBinIsReported() throws {
        try withTemporaryDirectory { directory in
            try packed(in: directory)
            let path = directory + "/train/megatron/tokens.bin"
            let bytes = try readFile(path)
            try writeFile(Array(bytes.dropLast(2)), path)
            #expect { _ = try MegatronDataset(prefix: directory + "/train/megatron/tokens") } throws: { "\($0)".contains("tokens.bin") }
        }
    }
}
