import Foundation
import Shards
import Testing
@testable import PLMModel

/// The trainer's view of packed shards: shifted targets, masks from `loss_mask`, document numbers
/// from `boundaries`, and a saved position that resumes with the very next batch.
@Suite struct ShardBatchSourceTests {
    /// 12 samples of 9 tokens (seq_len 8): sample i holds 100*i + position; documents start at 0 and 5;
    /// the mask is 0 on the first 3 positions.
    private func writeShards() throws -> String {
        let folder = NSTemporaryDirectory() + "plm-shard-source-\(UUID().uuidString)"
        let columns = [MDSColumn(name: ShardColumns.boundaries, element: .int32, count: nil),
                       MDSColumn(name: ShardColumns.lossMask, element: .uint8, count: 9),
                       MDSColumn(name: ShardColumns.tokens, element: .uint16, count: 9)]
        let writer = try MDSWriter(directory: folder, columns: columns,
                                   options: MDSWriterOptions(compressionLevel: 3, sizeLimit: 200))
        for i in 0..<12 {
            try writer.write(named: [ShardColumns.tokens: (0..<9).map { Int32(100 * i + $0) },
                                     ShardColumns.lossMask: (0..<9).map { $0 < 3 ? 0 : 1 },
                                     ShardColumns.boundaries: [0, 5]])
        }
        _ = try writer.finish()
        return folder
    }

    @Test func batchesShiftTargetsAndCarryMasksAndDocuments() throws {
        let folder = try writeShards()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var source = try ShardBatchSource(directory: folder, seed: 7, shuffleBuffer: 4)
        let batch = try source.next(batchSize: 2, sequenceLength: 8)
        for row in 0..<2 {
            let inputs = Array(batch.inputs[row * 8..<(row + 1) * 8])
            let targets = Array(batch.targets[row * 8..<(row + 1) * 8])
            let base = inputs[0]
            #expect(base % 100 == 0)
            #expect(inputs == (0..<8).map { base + Int32($0) })
            #expect(targets == (1...8).map { base + Int32($0) })
            // The mask of target t is the sample's mask at t + 1: positions 0 and 1 are masked.
            #expect(Array(batch.lossMask![row * 8..<(row + 1) * 8]) == [0, 0, 1, 1, 1, 1, 1, 1])
            #expect(Array(batch.documentIndex![row * 8..<(row + 1) * 8]) == [0, 0, 0, 0, 0, 1, 1, 1])
        }
        // A shorter T takes each sample's prefix; a longer one than the shards hold is an error.
        #expect(try source.next(batchSize: 1, sequenceLength: 4).inputs.count == 4)
        #expect(throws: BatchSourceError.self) { try source.next(batchSize: 1, sequenceLength: 9) }
    }

    @Test func savedPositionResumesWithTheNextBatch() throws {
        let folder = try writeShards()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var straight = try ShardBatchSource(directory: folder, seed: 3, shuffleBuffer: 4)
        var firstEpoch: [Int32] = []
        for _ in 0..<5 { firstEpoch += try straight.next(batchSize: 3, sequenceLength: 8).inputs }
        // Over 12 samples the first four batches are one epoch: every sample exactly once.
        #expect(Set(firstEpoch.prefix(96).filter { $0 % 100 == 0 }) == Set((0..<12).map { Int32(100 * $0) }))

        var resumed = try ShardBatchSource(directory: folder, seed: 3, shuffleBuffer: 4)
        for _ in 0..<2 { _ = try resumed.next(batchSize: 3, sequenceLength: 8) }
        let saved = try JSONDecoder().decode(ShardIteratorPosition.self, from: JSONEncoder().encode(resumed.position))
        var restarted = try ShardBatchSource(directory: folder, seed: 99, shuffleBuffer: 1)
        try restarted.seek(to: saved)
        var tail: [Int32] = []
        for _ in 2..<5 { tail += try restarted.next(batchSize: 3, sequenceLength: 8).inputs }
        #expect(tail == Array(firstEpoch[(2 * 24)...]))
    }

    @Test func missingFolderAndPhaseVocabulary() throws {
        #expect(throws: (any Error).self) { try ShardBatchSource(directory: "/nonexistent/plm-shards", seed: 0) }
        #expect(ShardBatchSource.parentFolder(of: "/a/b/train") == "/a/b")
        #expect(ShardBatchSource.parentFolder(of: "/a/b/train/") == "/a/b")
    }
}
