import CorpusIO
import Foundation

/// What a stage's output was made from: its settings as written, the version of its output format,
/// and its input stages' fingerprints. Stored beside the stage's completion markers when the stage
/// starts; a stage whose stored fingerprint differs from the one the run computes now is stale, and
/// so, through their inputs, is every stage after it.
public struct StageFingerprint: Codable, Sendable, Equatable {
    public var node: String
    /// Bumped when a stage's code writes different bytes for the same settings.
    public var format: Int
    /// The settings that decide the output, by dotted path (`filters.gopher_quality.min_doc_words`).
    public var settings: [String: String]
    /// Input node name to its fingerprint (`value`); for ingest, `files` stands for the input files.
    public var inputs: [String: String]

    public init(node: String, format: Int, settings: [String: String], inputs: [String: String]) {
        self.node = node
        self.format = format
        self.settings = settings
        self.inputs = inputs
    }

    /// xxh3-128 of all of the above in a fixed order (32 hex digits).
    public var value: String {
        var text = "\(node)\n\(format)\n"
        for key in settings.keys.sorted() { text += "s \(key)=\(settings[key]!)\n" }
        for key in inputs.keys.sorted() { text += "i \(key)=\(inputs[key]!)\n" }
        return Array(text.utf8).withUnsafeBytes { XXHash.xxh3_128($0).description }
    }

    /// Why `self` (the stored fingerprint) does not describe an output made now with `current`:
    /// empty when they are equal.
    public func differences(from current: StageFingerprint) -> [String] {
        var reasons: [String] = []
        if format != current.format { reasons.append("output format \(format) -> \(current.format)") }
        for key in Set(settings.keys).union(current.settings.keys).sorted() where settings[key] != current.settings[key] {
            reasons.append("\(key): \(settings[key] ?? "(unset)") -> \(current.settings[key] ?? "(unset)")")
        }
        for key in Set(inputs.keys).union(current.inputs.keys).sorted() where inputs[key] != current.inputs[key] {
            reasons.append(key == "files" ? "input files changed" : "input \(key) changed")
        }
        return reasons
    }

    public static func read(path: String) -> StageFingerprint? {
        guard let bytes = try? FileInput.readAll(path: path) else { return nil }
        return try? JSONDecoder().decode(StageFingerprint.self, from: Data(bytes))
    }

    public func write(path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        var object = try JSONSerialization.jsonObject(with: encoder.encode(self)) as! [String: Any]
        object["value"] = value
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        try FileSystem.writeAtomically(Array(data) + [0x0A], to: path)
    }
}
