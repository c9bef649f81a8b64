import CorpusIO
import Foundation

/// A problem reading or writing a checkpoint folder, naming the folder and the file.
public struct CheckpointError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// A checkpoint folder: `model.safetensors` + `config.json` (Hugging Face PLM names, loadable by
/// other tools), `optimizer.safetensors` (AdamW's moments as `exp_avg.<key>` / `exp_avg_sq.<key>`)
/// and `trainer_state.json`. The folder is written under a temporary name and renamed into place,
/// so a crash never leaves a half-written checkpoint under a final name; `latest` names the newest.
///
/// We always write one F32 `model.safetensors`; reading the model (`loadModel`, `loadWeights`,
/// `openModel`) also accepts the folders Hugging Face tools write: sharded with an index, in BF16
/// or F16 (`HFModelFolder`).
public enum Checkpoint {
    public static let modelFile = "model.safetensors"
    public static let configFile = "config.json"
    public static let optimizerFile = "optimizer.safetensors"
    public static let stateFile = "trainer_state.json"
    public static let latestFile = "latest"
    /// xxh3-128 of every other file of the folder, written last: a flipped bit anywhere is found on load.
    public static let checksumFile = "checksums.json"

    /// `step-00000100`: names sort in step order.
    public static func folderName(step: Int) -> String {
        let digits = String(step)
        return "step-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// Writes only the model (weights + config.json) into `folder`, which must exist.
    public static func writeModel(_ model: PLMTransformer, to folder: String, bosTokenId: Int? = nil,
                                  eosTokenId: Int? = nil) throws {
        try SafeTensorsArena.write(UnsafeBufferPointer(model.parameters), layout: model.layout,
                                   to: folder + "/" + modelFile)
        try HFConfigFile(config: model.config, bosTokenId: bosTokenId, eosTokenId: eosTokenId)
            .write(to: folder + "/" + configFile)
    }

    /// Saves a full training checkpoint as `<directory>/step-N` and points `latest` at it; keeps the
    /// newest `keep` step folders. Returns the folder written.
    @discardableResult
    public static func save<Position>(model: PLMTransformer, optimizer: AdamW, state: TrainerState<Position>,
                                      in directory: String, keep: Int = 2, extraFiles: [String] = []) throws -> String {
        try FileSystem.createDirectory(directory)
        let name = folderName(step: state.step)
        let final = directory + "/" + name
        let temporary = directory + "/." + name + ".tmp"
        let manager = FileManager.default
        try? manager.removeItem(atPath: temporary)
        try FileSystem.createDirectory(temporary)
        // A save that fails (a full disk) leaves nothing behind: the folder was never going to be used.
        var saved = false
        defer { if !saved { try? manager.removeItem(atPath: temporary) } }
        try writeModel(model, to: temporary)
        try writeMoments(optimizer, layout: model.layout, to: temporary + "/" + optimizerFile)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileSystem.writeAtomically(Array(try encoder.encode(state)) + [0x0A], to: temporary + "/" + stateFile)
        // Files that make the folder self-contained for other tools (the tokenizer beside config.json).
        for file in extraFiles where manager.fileExists(atPath: file) {
            try FileSystem.writeAtomically(try FileInput.readAll(path: file), to: temporary + "/" + (file as NSString).lastPathComponent)
        }
        try writeChecksums(folder: temporary)
        if manager.fileExists(atPath: final) { try manager.removeItem(atPath: final) }
        try manager.moveItem(atPath: temporary, toPath: final)
        saved = true
        try FileSystem.writeAtomically(Array((name + "\n").utf8), to: directory + "/" + latestFile)
        let older = FileSystem.list(directory).filter { $0.hasPrefix("step-") && $0 != name }.sorted()
        for stale in older.dropLast(max(0, keep - 1)) { try? manager.removeItem(atPath: directory + "/" + stale) }
        return final
    }

    static func writeMoments(_ optimizer: AdamW, layout: ParameterLayout, to path: String) throws {
        var tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] = []
        for (prefix, arena) in [("exp_avg.", optimizer.firstMoment), ("exp_avg_sq.", optimizer.secondMoment)] {
            for tensor in layout.tensors {
                tensors.append((prefix + tensor.name, tensor.shape,
                                UnsafeBufferPointer(rebasing: arena[tensor.offset..<tensor.offset + tensor.count])))
            }
        }
        try SafeTensorsWriter.write(tensors, metadata: ["format": "pt", "optimizer": "adamw"], to: path)
    }

    /// Writes `checksums.json`: each file of `folder` (but itself) with its size and xxh3-128.
    static func writeChecksums(folder: String) throws {
        var entries: [String: [String: String]] = [:]
        for name in FileSystem.list(folder) where name != checksumFile && !FileSystem.isDirectory(folder + "/" + name) {
            let bytes = try FileInput.readAll(path: folder + "/" + name)
            entries[name] = ["size": String(bytes.count), "xxh3_128": bytes.withUnsafeBytes { XXHash.xxh3_128($0).description }]
        }
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys, .prettyPrinted])
        try FileSystem.writeAtomically(Array(data) + [0x0A], to: folder + "/" + checksumFile)
    }

    /// Checks every file listed in the folder's `checksums.json`; throws naming the first damaged or
    /// missing file. A folder without the file (written by an older plm, or by another tool) passes.
    public static func verify(folder: String) throws {
        guard let bytes = try? FileInput.readAll(path: folder + "/" + checksumFile) else { return }
        guard let entries = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: [String: String]] else {
            throw CheckpointError(path: folder + "/" + checksumFile, message: "not a checksum list")
        }
        for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
            guard let data = try? FileInput.readAll(path: folder + "/" + name) else {
                throw CheckpointError(path: folder + "/" + name, message: "missing (listed in \(checksumFile))")
            }
            let hash = data.withUnsafeBytes { XXHash.xxh3_128($0).description }
            guard String(data.count) == entry["size"], hash == entry["xxh3_128"] else {
                throw CheckpointError(path: folder + "/" + name, message: "damaged: \(data.count) bytes with xxh3-128 \(hash), "
                    + "the checkpoint recorded \(entry["size"] ?? "?") bytes with \(entry["xxh3_128"] ?? "?")")
            }
        }
    }

    /// The newest checkpoint under `directory` whose files match their checksums, walking back from
    /// `latest` through older step folders; each damaged one is reported through `warn`.
    public static func latestIntact(in directory: String, warn: (String) -> Void) -> String? {
        guard let newest = latest(in: directory) else { return nil }
        let names = FileSystem.list(directory).filter { $0.hasPrefix("step-") }.sorted()
        let candidates = [newest] + names.reversed().map { directory + "/" + $0 }.filter { $0 != newest && $0 < newest }
        for folder in candidates {
            do {
                try verify(folder: folder)
                return folder
            } catch {
                warn("warning: \(error); falling back to an older checkpoint")
            }
        }
        return nil
    }

    /// The newest checkpoint folder under `directory` (from `latest`), nil when there is none.
    public static func latest(in directory: String) -> String? {
        guard let bytes = try? FileInput.readAll(path: directory + "/" + latestFile, limit: 4096),
              let name = String(bytes: bytes, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !name.isEmpty, FileSystem.isDirectory(directory + "/" + name) else { return nil }
        return directory + "/" + name
    }

    /// Builds a model from `folder`: `config.json` and the weights in any Hugging Face layout (a single
    /// `model.safetensors` or an index with shards; F32, F16 or BF16, converted to f32), checked first
    /// (`HFModelFolder`).
    public static func loadModel(from folder: String, options: ModelOptions = .init()) throws -> PLMTransformer {
        let weights = try openModel(from: folder)
        let model = PLMTransformer(config: weights.config, seed: 0, options: options)
        try weights.readAll(into: model.parameters)
        return model
    }

    /// Opens `folder` for reading one f32 tensor at a time (what the inference engine calls: it never
    /// needs the whole model in f32 at once). Tensors are checked against `config.json` here.
    public static func openModel(from folder: String) throws -> HFModelFolder {
        try HFModelFolder(folder: folder)
    }

    /// Loads the weights of `folder` (any layout `loadModel` reads) into an existing model, whose shape
    /// must be the one in the folder's `config.json`.
    public static func loadWeights(into model: PLMTransformer, from folder: String) throws {
        let config = try HFConfigFile.readModelConfig(path: folder + "/" + configFile)
        guard config == model.config else {
            throw CheckpointError(path: folder + "/" + configFile,
                                  message: "the checkpoint's model shape differs from the model being trained")
        }
        let weights = try HFModelFolder(tensors: try SafeTensorsFolder(folder: folder), config: config)
        try weights.readAll(into: model.parameters)
    }

    /// Restores the optimizer's moments and returns the trainer state saved in `folder`.
    public static func loadTrainingState<Position>(from folder: String, optimizer: AdamW,
                                                   as type: Position.Type = Position.self) throws -> TrainerState<Position> {
        try loadMoments(from: folder, into: optimizer)
        let state = try decodeState(TrainerState<Position>.self, from: folder)
        optimizer.step = state.optimizerStep
        optimizer.settings = state.optimizer
        return state
    }

    /// The run-wide step and the optimizer's step a checkpoint was taken at, whatever its data source.
    public static func progress(of folder: String) throws -> (step: Int, optimizerStep: Int) {
        struct Progress: Decodable {
            var step: Int
            var optimizer_step: Int
        }
        let progress = try decodeState(Progress.self, from: folder)
        return (progress.step, progress.optimizer_step)
    }

    /// Fills AdamW's moment arenas from `optimizer.safetensors` (every tensor checked by name and shape).
    public static func loadMoments(from folder: String, into optimizer: AdamW) throws {
        let layout = optimizer.layout
        let file = try SafeTensorsFile(path: folder + "/" + optimizerFile)
        var expected: [(name: String, shape: [Int], destination: UnsafeMutableBufferPointer<Float>)] = []
        for (prefix, arena) in [("exp_avg.", optimizer.firstMoment), ("exp_avg_sq.", optimizer.secondMoment)] {
            for tensor in layout.tensors {
                expected.append((prefix + tensor.name, tensor.shape,
                                 UnsafeMutableBufferPointer(rebasing: arena[tensor.offset..<tensor.offset + tensor.count])))
            }
        }
        try file.readAll(expected)
    }

    static func decodeState<State: Decodable>(_ type: State.Type, from folder: String) throws -> State {
        let statePath = folder + "/" + stateFile
        do {
            return try JSONDecoder().decode(State.self, from: Data(try FileInput.readAll(path: statePath, limit: 64 << 20)))
        } catch {
            throw CheckpointError(path: statePath, message: "cannot read the trainer state: \(error)")
        }
    }
}
