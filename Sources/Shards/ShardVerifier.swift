import CorpusIO

/// What `plm shards verify` found: every problem with its file and, where it can be located, the
/// sample; empty `problems` means every hash, size, offset and sample checked out.
public struct ShardVerification: Sendable {
    public var shards = 0
    public var samples = 0
    public var problems: [ShardError] = []
    public var isClean: Bool { problems.isEmpty }
}

/// Checks an MDS folder against its `index.json`: stored size and hashes, decompressed size and
/// hashes, the header (count, offsets, config) and that each sample decodes with its columns.
public enum ShardVerifier {
    public static func verify(directory: String) throws -> ShardVerification {
        let index = try MDSIndex.load(directory: directory)
        var result = ShardVerification()
        for info in index.shards {
            result.shards += 1
            result.samples += info.samples
            result.problems += verify(shard: info, directory: directory)
        }
        return result
    }

    static func verify(shard info: MDSShardInfo, directory: String) -> [ShardError] {
        let stored = info.storedFile
        let path = directory + "/" + stored.basename
        guard FileSystem.exists(path) else {
            return [ShardError(file: path, message: "shard file is missing (listed in \(MDSIndex.fileName))")]
        }
        let bytes: [UInt8]
        do { bytes = try FileInput.readAll(path: path) } catch { return [ShardError(file: path, message: error.message)] }
        var problems = check(bytes, against: stored, path: path)
        var raw = bytes
        if info.zipData != nil {
            // Decompress as far as the data allows, so a truncated shard still names its first lost sample.
            var partial: [UInt8] = []
            do {
                let decompressor = try ZstdDecompressor()
                try bytes.withUnsafeBytes { try decompressor.decompress($0) { partial.append(contentsOf: $0) } }
                if decompressor.insideFrame { problems.append(ShardError(file: path, message: "compressed data is truncated")) }
            } catch {
                problems.append(ShardError(file: path, message: "cannot decompress: \(error)"))
            }
            raw = partial
            problems += check(raw, against: info.rawData, path: path + " (decompressed)")
        }
        let expectedConfig = MDSShardInfo.config(columns: info.columns() ?? [], compression: info.compression,
                                                 hashes: info.hashes, sizeLimit: info.sizeLimit).text
        do {
            let file = try ShardFile.parse(raw, path: path, info: info)
            let configStart = 4 + 4 * (file.sampleCount + 1)
            let configBytes = Array(expectedConfig.utf8)
            if file.offsets[0] != configStart + configBytes.count
                || Array(raw[configStart..<min(raw.count, configStart + configBytes.count)]) != configBytes {
                problems.append(ShardError(file: path, message: "embedded config does not match the index entry"))
            }
            for sample in 0..<file.sampleCount {
                do { _ = try file.values(at: sample) } catch { problems.append(error) }
            }
        } catch {
            problems.append(error)
        }
        return problems
    }

    /// Size and every recorded hash of one file.
    static func check(_ bytes: [UInt8], against info: MDSFileInfo, path: String) -> [ShardError] {
        var problems: [ShardError] = []
        if bytes.count != info.bytes {
            problems.append(ShardError(file: path, message: "\(bytes.count) bytes, the index says \(info.bytes)"))
        }
        for (name, expected) in info.hashes.sorted(by: { $0.key < $1.key }) {
            guard let hash = ShardHash(rawValue: name) else {
                problems.append(ShardError(file: path, message: "unknown hash '\(name)' not checked"))
                continue
            }
            let actual = hash.digest(bytes)
            if actual != expected {
                problems.append(ShardError(file: path, message: "\(name) is \(actual), the index says \(expected)"))
            }
        }
        return problems
    }
}
