import CorpusIO

/// A problem with shards or their inputs, naming the file and, where known, the sample.
public struct ShardError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var sample: Int?
    public var message: String

    public init(file: String, sample: Int? = nil, message: String) {
        self.file = file
        self.sample = sample
        self.message = message
    }

    public var description: String {
        if let sample { return "\(file): sample \(sample): \(message)" }
        return "\(file): \(message)"
    }
}

/// CorpusIO reads behind an untyped throw, for call sites that rewrap the error.
enum FileInputBridge {
    static func readAll(_ path: String) throws -> [UInt8] { try FileInput.readAll(path: path) }
}
