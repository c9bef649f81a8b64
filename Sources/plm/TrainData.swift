import CorpusIO
import Foundation
import PLMModel

/// Token data for `plm train --data DIR` until the shard reader is wired in: every `*.u32` (or
/// `*.u16`) file in DIR, little-endian token ids, concatenated in name order into one stream.
enum TrainData {
    static func tokenStream(folder: String) throws -> TokenStreamSource {
        guard FileSystem.isDirectory(folder) else {
            throw BatchSourceError("data folder \(folder) does not exist")
        }
        let files = FileSystem.list(folder).filter { $0.hasSuffix(".u32") || $0.hasSuffix(".u16") }
        guard !files.isEmpty else {
            throw BatchSourceError("data folder \(folder) holds no token files (*.u32 or *.u16)")
        }
        var tokens: [Int32] = []
        for name in files {
            let bytes = try FileInput.readAll(path: folder + "/" + name)
            let width = name.hasSuffix(".u32") ? 4 : 2
            guard bytes.count % width == 0 else {
                throw BatchSourceError("\(folder)/\(name): \(bytes.count) bytes is not a whole number of \(width)-byte tokens")
            }
            bytes.withUnsafeBytes { raw in
                for i in stride(from: 0, to: raw.count, by: width) {
                    let value = width == 4 ? Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
                        : Int64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt16.self)))
                    tokens.append(Int32(truncatingIfNeeded: min(value, Int64(Int32.max))))
                }
            }
        }
        return try TokenStreamSource(tokens: tokens)
    }

    /// The first `count` micro-batches of a validation folder, when it exists.
    static func validationBatches(folder: String?, count: Int, batchSize: Int, sequenceLength: Int) throws -> [TokenBatch] {
        guard let folder, count > 0, FileSystem.isDirectory(folder) else { return [] }
        var source = try tokenStream(folder: folder)
        return try (0..<count).map { _ in try source.next(batchSize: batchSize, sequenceLength: sequenceLength) }
    }
}
