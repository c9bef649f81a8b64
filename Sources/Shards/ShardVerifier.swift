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
/// hashes, the header (count, offsets, config), that each sample decodes with its columns and,
/// when `samples.xxh3_64` is there, that each sample's bytes match their checksum (which names
/// the sample a flipped byte falls in).
public enum ShardVerifier {
    public static func verify(directory: String) throws -> ShardVerification {
        let index = try MDSIndex.load(directory: directory)
        let checksums = try SampleChecksums.load(directory: directory)
        var result = ShardVerification()
        if let checksums, checksums.count != index.sampleCount {
            result.problems.append(ShardError(file: directory + "/" + SampleChecksums.fileName,
                                              message: "\(checksums.count) checksums for \(index.sampleCount) samples"))
        }
        var first = 0
        for info in index.shards {
            result.shards += 1
            result.samples += info.samples
            let expected = checksums.flatMap { $0.count == index.sampleCount ? Array($0[first..<first + info.samples]) : nil }
            result.problems += verify(shard: info, directory: directory, checksums: expected)
            first += info.samples
        }
        return result
    }

    static func verify(shard info: MDSShardInfo, directory: String, checksums: [UInt64]?) -> [ShardError] {
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
            // Decompress as far as the data allows, so a damaged shard still names its first lost sample.
            var partial: [UInt8] = []
            do {
                let decompressor = try ZstdDecompressor()
                try bytes.withUnsafeBytes { try decompressor.decompress($0) { partial.append(contentsOf: $0) } }
                if decompressor.insideFrame { problems.append(ShardError(file: path, message: "compressed data is truncated")) }
            } catch {
                problems.append(ShardError(file: path, message: "cannot decompress past byte \(partial.count) of the shard: \(error)"))
            }
            raw = partial
            problems += check(raw, against: info.rawData, path: path + " (decompressed)")
        }
        problems += checkSamples(raw, info: info, path: path, checksums: checksums)
        return problems
    }

    /// Header, config and every sample that lies inside the bytes there are.
    static func checkSamples(_ raw: [UInt8], info: MDSShardInfo, path: String, checksums: [UInt64]?) -> [ShardError] {
        guard let columns = info.columns() else {
            return [ShardError(file: path, message: "unsupported column encodings \(info.columnEncodings)")]
        }
        let count = info.samples
        let headerEnd = 4 + 4 * (count + 1)
        guard raw.count >= headerEnd else {
            return [ShardError(file: path, sample: 0, message: "truncated inside the header: every sample is lost")]
        }
        var problems: [ShardError] = []
        let stored = raw.withUnsafeBytes { Int(MDSSampleCoding.readUInt($0, at: 0, width: 4)) }
        if stored != count { problems.append(ShardError(file: path, message: "holds \(stored) samples, the index says \(count)")) }
        let offsets = raw.withUnsafeBytes { bytes in (0...count).map { Int(MDSSampleCoding.readUInt(bytes, at: 4 + 4 * $0, width: 4)) } }
        let config = Array(MDSShardInfo.config(columns: columns, compression: info.compression, hashes: info.hashes,
                                               sizeLimit: info.sizeLimit).text.utf8)
        if offsets[0] != headerEnd + config.count || raw.count < offsets[0] || Array(raw[headerEnd..<offsets[0]]) != config {
            problems.append(ShardError(file: path, message: "embedded config does not match the index entry"))
        }
        for sample in 0..<count {
            let start = offsets[sample], end = offsets[sample + 1]
            guard start <= end, start >= headerEnd else {
                problems.append(ShardError(file: path, sample: sample, message: "offsets \(start)..<\(end) are out of order"))
                continue
            }
            guard end <= raw.count else {
                problems.append(ShardError(file: path, sample: sample,
                                           message: "truncated: samples \(sample)..<\(count) lie past byte \(raw.count)"))
                break
            }
            let damaged = raw.withUnsafeBytes { bytes -> String? in
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                if let checksums, XXHash.xxh3_64(slice) != checksums[sample] { return "bytes differ from their checksum" }
                do { _ = try MDSSampleCoding.decode(slice, columns: columns) } catch let error as ShardError { return error.message } catch { return "\(error)" }
                return nil
            }
            if let damaged { problems.append(ShardError(file: path, sample: sample, message: damaged)) }
        }
        if let last = offsets.last, last < raw.count, last >= headerEnd {
            problems.append(ShardError(file: path, message: "\(raw.count - last) bytes after the last sample"))
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
