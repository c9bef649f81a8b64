import CorpusIO

/// `samples.xxh3_64` beside `index.json`: the xxh3_64 of each sample's encoded bytes, u64
/// little-endian, in sample order across shards. MDS records hashes per shard file only; these let
/// `verify` name the sample a damaged byte falls in. Readers of MDS ignore the file. `MDSWriter`
/// streams it as samples are written.
public enum SampleChecksums {
    public static let fileName = "samples.xxh3_64"

    /// The checksums, or nil when the folder has none (a dataset written by another tool).
    static func load(directory: String) throws -> [UInt64]? {
        let path = directory + "/" + fileName
        guard FileSystem.exists(path) else { return nil }
        let bytes = try FileInput.readAll(path: path)
        guard bytes.count % 8 == 0 else { throw ShardError(file: path, message: "\(bytes.count) bytes is not a whole number of checksums") }
        return bytes.withUnsafeBytes { raw in (0..<bytes.count / 8).map { MDSSampleCoding.readUInt(raw, at: 8 * $0, width: 8) } }
    }
}
