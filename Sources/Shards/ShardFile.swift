import CorpusIO

/// One shard's uncompressed bytes with its sample offsets checked: what the reader and the verifier
/// both work from.
struct ShardFile {
    let path: String
    let raw: [UInt8]
    let offsets: [Int]
    let columns: [MDSColumn]

    var sampleCount: Int { offsets.count - 1 }

    /// Reads the stored file of `info` under `directory`, decompressing it when compressed.
    static func load(directory: String, info: MDSShardInfo) throws(ShardError) -> ShardFile {
        let stored = info.storedFile
        let path = directory + "/" + stored.basename
        guard FileSystem.exists(path) else {
            throw ShardError(file: path, message: "shard file is missing (listed in \(MDSIndex.fileName))")
        }
        let bytes: [UInt8]
        do { bytes = try FileInput.readAll(path: path) } catch { throw ShardError(file: path, message: error.message) }
        try checkIntegrity(bytes, of: stored, path: path)
        let raw: [UInt8]
        if info.zipData != nil {
            do {
                raw = try bytes.withUnsafeBytes { try ZstdDecompressor.decompress($0) }
            } catch {
                throw ShardError(file: path, message: "cannot decompress (\(error)); truncated or corrupt")
            }
        } else {
            raw = bytes
        }
        if info.zipData != nil { try checkIntegrity(raw, of: info.rawData, path: path + " (decompressed)") }
        return try parse(raw, path: path, info: info)
    }

    /// The file's size and, when the index records it, its xxh3_64 (cheap: tens of GB/s) against the
    /// index: a shard whose bytes were altered, even recompressed to a valid zstd frame, is refused here
    /// instead of training silently on it. (sha1, also recorded, is left to `plm shards verify`.)
    static func checkIntegrity(_ bytes: [UInt8], of file: MDSFileInfo, path: String) throws(ShardError) {
        guard bytes.count == file.bytes else {
            throw ShardError(file: path, message: "damaged: \(bytes.count) bytes, the index records \(file.bytes)")
        }
        if let expected = file.hashes[ShardHash.xxh3_64.rawValue] {
            let actual = ShardHash.xxh3_64.digest(bytes)
            guard actual == expected else {
                throw ShardError(file: path, message: "damaged: xxh3_64 \(actual), the index records \(expected)")
            }
        }
    }

    /// Checks the header: sample count, offsets from the config's end to the file's end, columns.
    static func parse(_ raw: [UInt8], path: String, info: MDSShardInfo) throws(ShardError) -> ShardFile {
        guard let columns = info.columns() else {
            throw ShardError(file: path, message: "unsupported column encodings \(info.columnEncodings)")
        }
        let count = raw.withUnsafeBytes { raw.count >= 4 ? Int(MDSSampleCoding.readUInt($0, at: 0, width: 4)) : -1 }
        guard count >= 0, raw.count >= 4 + 4 * (count + 1) else {
            throw ShardError(file: path, message: "header is cut off (\(raw.count) bytes)")
        }
        guard count == info.samples else {
            throw ShardError(file: path, message: "holds \(count) samples, the index says \(info.samples)")
        }
        let offsets = raw.withUnsafeBytes { bytes in
            (0...count).map { Int(MDSSampleCoding.readUInt(bytes, at: 4 + 4 * $0, width: 4)) }
        }
        for index in 0..<count where offsets[index] > offsets[index + 1] {
            throw ShardError(file: path, sample: index, message: "offsets go backwards (\(offsets[index]) > \(offsets[index + 1]))")
        }
        if let last = offsets.last, last > raw.count {
            let firstMissing = offsets.firstIndex { $0 > raw.count }.map { max(0, $0 - 1) } ?? count
            throw ShardError(file: path, sample: firstMissing,
                             message: "truncated: samples end at byte \(last), the shard has \(raw.count)")
        }
        guard offsets.last == raw.count else {
            throw ShardError(file: path, message: "\(raw.count - offsets.last!) bytes after the last sample")
        }
        return ShardFile(path: path, raw: raw, offsets: offsets, columns: columns)
    }

    /// Decoded values of sample `index` (within this shard), per column in name order.
    func values(at index: Int) throws(ShardError) -> [[Int32]] {
        let range = offsets[index]..<offsets[index + 1]
        let decoded: Result<[[Int32]], ShardError> = raw.withUnsafeBytes { bytes in
            Result { () throws(ShardError) in
                try MDSSampleCoding.decode(UnsafeRawBufferPointer(rebasing: bytes[range]), columns: columns)
            }
        }
        switch decoded {
        case .success(let values): return values
        case .failure(let error): throw ShardError(file: path, sample: index, message: error.message)
        }
    }
}
