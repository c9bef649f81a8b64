import Foundation

/// A file of a shard as `index.json` describes it (`raw_data` / `zip_data`).
public struct MDSFileInfo: Sendable, Equatable, Codable {
    public var basename: String
    public var bytes: Int
    /// Hex digests by algorithm name (`sha1`, `xxh3_64`).
    public var hashes: [String: String]

    var json: PythonJSON {
        .object(["basename": .string(basename), "bytes": .int(bytes),
                 "hashes": .object(hashes.mapValues { .string($0) })])
    }
}

/// One shard's entry in `index.json`, with mosaicml-streaming's key names.
public struct MDSShardInfo: Sendable, Equatable, Codable {
    public var columnEncodings: [String]
    public var columnNames: [String]
    public var columnSizes: [Int?]
    /// `zstd:N`, or nil when the shard is stored raw.
    public var compression: String?
    public var format: String
    public var hashes: [String]
    public var rawData: MDSFileInfo
    public var samples: Int
    public var sizeLimit: Int?
    public var version: Int
    public var zipData: MDSFileInfo?

    enum CodingKeys: String, CodingKey {
        case columnEncodings = "column_encodings", columnNames = "column_names", columnSizes = "column_sizes"
        case compression, format, hashes, samples, version
        case rawData = "raw_data", sizeLimit = "size_limit", zipData = "zip_data"
    }

    /// The file kept on disk: the compressed one when there is one.
    public var storedFile: MDSFileInfo { zipData ?? rawData }

    /// The shard's columns, parsed; nil when an encoding is not one this project reads.
    public func columns() -> [MDSColumn]? {
        guard columnNames.count == columnEncodings.count else { return nil }
        var result: [MDSColumn] = []
        for (name, encoding) in zip(columnNames, columnEncodings) {
            guard let column = MDSColumn(name: name, encoding: encoding) else { return nil }
            result.append(column)
        }
        return result
    }

    /// The writer configuration part, also embedded in each shard file.
    static func config(columns: [MDSColumn], compression: String?, hashes: [String], sizeLimit: Int?) -> PythonJSON {
        .object([
            "column_encodings": .array(columns.map { .string($0.encoding) }),
            "column_names": .array(columns.map { .string($0.name) }),
            "column_sizes": .array(columns.map { $0.fixedSize.map(PythonJSON.int) ?? .null }),
            "compression": compression.map(PythonJSON.string) ?? .null,
            "format": .string("mds"),
            "hashes": .array(hashes.map(PythonJSON.string)),
            "size_limit": sizeLimit.map(PythonJSON.int) ?? .null,
            "version": .int(2),
        ])
    }

    var json: PythonJSON {
        guard case .object(var members) = Self.config(columns: columns() ?? [], compression: compression,
                                                       hashes: hashes, sizeLimit: sizeLimit) else { return .null }
        members["column_encodings"] = .array(columnEncodings.map(PythonJSON.string))
        members["column_names"] = .array(columnNames.map(PythonJSON.string))
        members["column_sizes"] = .array(columnSizes.map { $0.map(PythonJSON.int) ?? .null })
        members["raw_data"] = rawData.json
        members["samples"] = .int(samples)
        members["zip_data"] = zipData?.json ?? .null
        return .object(members)
    }
}

/// `index.json` of an MDS dataset folder.
public struct MDSIndex: Sendable, Equatable, Codable {
    public var shards: [MDSShardInfo]
    public var version: Int

    public init(shards: [MDSShardInfo], version: Int = 2) {
        self.shards = shards
        self.version = version
    }

    /// The file's text exactly as mosaicml-streaming writes it (no trailing newline).
    public var text: String { PythonJSON.object(["shards": .array(shards.map(\.json)), "version": .int(version)]).text }

    public var sampleCount: Int { shards.reduce(0) { $0 + $1.samples } }

    public static let fileName = "index.json"

    /// Reads `<directory>/index.json`.
    public static func load(directory: String) throws -> MDSIndex {
        let path = directory + "/" + fileName
        let bytes: [UInt8]
        do {
            bytes = try FileInputBridge.readAll(path)
        } catch {
            throw ShardError(file: path, message: "cannot read the index (\(error)); is this a shard folder?")
        }
        do {
            return try JSONDecoder().decode(MDSIndex.self, from: Data(bytes))
        } catch {
            throw ShardError(file: path, message: "not a valid MDS index: \(error)")
        }
    }
}
