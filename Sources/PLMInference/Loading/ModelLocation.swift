import CorpusIO
import Foundation

/// A problem finding or loading a model, naming the path.
public struct ModelLoadError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Where a model and its tokenizer are, from the CHECKPOINT a user names:
/// - a `.gguf` file (weights and tokenizer in one file);
/// - a checkpoint folder (`config.json` + `model.safetensors`, or a Hugging Face folder with
///   `model.safetensors.index.json` and its shards);
/// - a folder with `checkpoints/latest` (a run's phase, `shards/local/train/anneal`, or a
///   `plm train --output` folder): its newest checkpoint, which is the phase's final one once trained;
/// - a `checkpoints` folder with `latest`.
public struct ModelLocation: Equatable, Sendable {
    public enum Format: Equatable, Sendable {
        case checkpointFolder
        case gguf
    }

    public var format: Format
    /// The checkpoint folder, or the GGUF file.
    public var path: String
    /// The folder holding `tokenizer.json` (and `tokenizer_config.json`); nil when none was found (a
    /// GGUF file carries its own).
    public var tokenizerFolder: String?

    public static func find(_ argument: String, tokenizer explicitTokenizer: String? = nil) throws -> ModelLocation {
        let path = argument.hasSuffix("/") && argument.count > 1 ? String(argument.dropLast()) : argument
        var location: ModelLocation
        if !FileSystem.isDirectory(path) {
            guard FileManager.default.fileExists(atPath: path) else {
                throw ModelLoadError(path: path, message: "no such file or folder")
            }
            guard path.lowercased().hasSuffix(".gguf") else {
                throw ModelLoadError(path: path, message: "not a checkpoint: give a checkpoint folder (config.json + "
                    + "model.safetensors), a run's phase folder, or a .gguf file")
            }
            location = ModelLocation(format: .gguf, path: path, tokenizerFolder: nil)
        } else if let folder = checkpointFolder(in: path) {
            location = ModelLocation(format: .checkpointFolder, path: folder,
                                     tokenizerFolder: nearestTokenizer(from: folder))
        } else {
            throw ModelLoadError(path: path, message: "holds no checkpoint: expected config.json with "
                + "model.safetensors (or model.safetensors.index.json), checkpoints/latest, or latest")
        }
        if let explicitTokenizer {
            location.tokenizerFolder = try tokenizerFolder(explicit: explicitTokenizer)
        }
        return location
    }

    /// The checkpoint folder `path` is or points to through `latest`, nil when it is neither.
    static func checkpointFolder(in path: String) -> String? {
        let manager = FileManager.default
        if manager.fileExists(atPath: path + "/config.json"),
           manager.fileExists(atPath: path + "/model.safetensors")
            || manager.fileExists(atPath: path + "/model.safetensors.index.json") {
            return path
        }
        for latestFolder in [path + "/checkpoints", path] {
            guard let bytes = try? FileInput.readAll(path: latestFolder + "/latest", limit: 4096),
                  let name = String(bytes: bytes, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                  !name.isEmpty, !name.contains("/") else { continue }
            let target = latestFolder + "/" + name
            if target != path, let folder = checkpointFolder(in: target) { return folder }
        }
        return nil
    }

    /// The tokenizer beside the checkpoint, else the nearest `tokenizer/` folder walking up (a run's root
    /// holds one: `<root>/train/<phase>/checkpoints/step-N` finds `<root>/tokenizer`).
    static func nearestTokenizer(from folder: String) -> String? {
        var current = (folder as NSString).standardizingPath
        for _ in 0..<8 {
            if FileManager.default.fileExists(atPath: current + "/tokenizer.json") { return current }
            if FileManager.default.fileExists(atPath: current + "/tokenizer/tokenizer.json") {
                return current + "/tokenizer"
            }
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { break }
            current = parent
        }
        return nil
    }

    /// `--tokenizer`: a folder with tokenizer.json, or the tokenizer.json file itself.
    static func tokenizerFolder(explicit path: String) throws -> String {
        if FileSystem.isDirectory(path) {
            guard FileManager.default.fileExists(atPath: path + "/tokenizer.json") else {
                throw ModelLoadError(path: path, message: "holds no tokenizer.json")
            }
            return path
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelLoadError(path: path, message: "no such tokenizer file or folder")
        }
        guard (path as NSString).lastPathComponent == "tokenizer.json" else {
            throw ModelLoadError(path: path, message: "--tokenizer takes a folder holding tokenizer.json, or that "
                + "tokenizer.json file (a GGUF file carries its own tokenizer: give it as the checkpoint)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }
}
