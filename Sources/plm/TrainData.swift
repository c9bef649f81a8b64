import CorpusIO
import PLMModel

/// Token data for `plm train`: a packed shard folder (`plm pack` output, e.g. `<root>/pack/<phase>/train`).
enum TrainData {
    static func source(folder: String, seed: UInt64) throws -> ShardBatchSource {
        guard FileSystem.isDirectory(folder) else {
            throw BatchSourceError("data folder \(folder) does not exist (plm pack writes <root>/pack/<phase>/train)")
        }
        return try ShardBatchSource(directory: folder, seed: seed)
    }

    /// The first `count` micro-batches of a validation folder, when it exists (a fixed order: seed 0).
    static func validationBatches(folder: String?, count: Int, batchSize: Int, sequenceLength: Int) throws -> [TokenBatch] {
        guard let folder, count > 0, FileSystem.isDirectory(folder) else { return [] }
        var source = try ShardBatchSource(directory: folder, seed: 0)
        return try (0..<count).map { _ in try source.next(batchSize: batchSize, sequenceLength: sequenceLength) }
    }
}
