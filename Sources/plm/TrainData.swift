import CorpusIO
import PLMModel
import Pipeline

/// Token data for `plm train`: a packed shard folder (`plm pack` output, e.g. `<root>/pack/<phase>/train`).
enum TrainData {
    static func source(folder: String, seed: UInt64) throws -> ShardBatchSource {
        guard FileSystem.isDirectory(folder) else {
            throw BatchSourceError("data folder \(folder) does not exist (plm pack writes <root>/pack/<phase>/train)")
        }
        return try ShardBatchSource(directory: folder, seed: seed)
    }

    /// The first `count` micro-batches of a validation folder (see `TrainRunner.validationBatches`).
    static func validationBatches(folder: String?, count: Int, batchSize: Int, sequenceLength: Int) throws -> [TokenBatch] {
        try TrainRunner.validationBatches(folder: folder, count: count, batchSize: batchSize, sequenceLength: sequenceLength,
                                          say: Console.say)
    }
}
