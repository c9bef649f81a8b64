#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CorpusIO
import Foundation
import PLMModel
import Tokenization

/// A checkpoint or tokenizer folder that cannot be exported, naming the path.
public struct GGUFExportError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// What an export wrote, and from what.
public struct GGUFExportResult: Sendable {
    public var summary: GGUFWriteSummary
    public var checkpoint: String
    public var tokenizer: String
    public var type: WeightType
    public var seconds: Double
    /// Where llama.cpp may tokenize otherwise than the tokenizer folder (`GGUFTokenizer.llamaCppCaveats`).
    public var notes: [String]
}

/// Exports one of our checkpoint folders (`model.safetensors` + `config.json`) with a tokenizer folder
/// to GGUF. Tensors are read one at a time from the safetensors file while the GGUF streams out, so
/// the peak memory is the largest tensor, not the model.
public enum PLMGGUFExport {
    @discardableResult
    public static func export(checkpoint: String, tokenizer: String? = nil, to output: String, type: WeightType,
                              name: String? = nil) throws -> GGUFExportResult {
        let clock = ContinuousClock.now
        let folder = try resolveCheckpoint(checkpoint)
        guard let tokenizerPath = tokenizer ?? findTokenizer(for: folder) else {
            throw GGUFExportError(path: folder, message: "no tokenizer.json in the checkpoint folder and no tokenizer/ "
                + "folder above it; give one with --tokenizer")
        }
        let ggufTokenizer = try loadTokenizer(tokenizerPath)
        let config = try HFConfigFile.readModelConfig(path: folder + "/" + Checkpoint.configFile)
        let source = try SafeTensorsSource(path: folder + "/" + Checkpoint.modelFile, config: config)
        let summary = try PLMGGUFWriter.write(config: config, tokenizer: ggufTokenizer, weights: source, type: type,
                                              name: name ?? defaultName(for: folder), to: output)
        let elapsed = ContinuousClock.now - clock
        return GGUFExportResult(summary: summary, checkpoint: folder, tokenizer: tokenizerPath, type: type,
                                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                                notes: ggufTokenizer.llamaCppCaveats)
    }

    /// A checkpoint folder as given, or the newest checkpoint of a run phase folder (`checkpoints/latest`)
    /// or of a `checkpoints` folder (`latest`).
    public static func resolveCheckpoint(_ path: String) throws(GGUFExportError) -> String {
        func isCheckpoint(_ folder: String) -> Bool {
            FileSystem.exists(folder + "/" + Checkpoint.modelFile) && FileSystem.exists(folder + "/" + Checkpoint.configFile)
        }
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard FileSystem.isDirectory(trimmed) else {
            throw GGUFExportError(path: path, message: "not a folder (give a checkpoint folder or a run phase folder)")
        }
        if isCheckpoint(trimmed) { return trimmed }
        for directory in [trimmed + "/checkpoints", trimmed] where FileSystem.exists(directory + "/" + Checkpoint.latestFile) {
            guard let latest = Checkpoint.latest(in: directory) else {
                throw GGUFExportError(path: directory + "/" + Checkpoint.latestFile,
                                      message: "does not name a checkpoint folder beside it")
            }
            guard isCheckpoint(latest) else {
                throw GGUFExportError(path: latest, message: "has no \(Checkpoint.modelFile) + \(Checkpoint.configFile)")
            }
            return latest
        }
        throw GGUFExportError(path: path, message: "neither a checkpoint folder (\(Checkpoint.modelFile) + "
            + "\(Checkpoint.configFile)) nor a run phase folder (checkpoints/latest)")
    }

    /// `tokenizer.json` in the checkpoint folder, else the nearest `tokenizer/` folder (with a
    /// tokenizer.json) in the checkpoint folder or a folder above it: a run's root holds one.
    public static func findTokenizer(for checkpoint: String) -> String? {
        if FileSystem.exists(checkpoint + "/tokenizer.json") { return checkpoint }
        var folder = URL(fileURLWithPath: checkpoint).standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent("tokenizer").path
            if FileSystem.exists(candidate + "/tokenizer.json") { return candidate }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// The tokenizer of a folder (or a tokenizer.json file) with the role tokens and template of the
    /// `tokenizer_config.json` beside it, or our defaults when there is none.
    public static func loadTokenizer(_ path: String) throws -> GGUFTokenizer {
        let file = FileSystem.isDirectory(path) ? path + "/tokenizer.json" : path
        let configPath = FileSystem.parent(of: file) + "/tokenizer_config.json"
        do {
            let model = try TokenizerFileReader.read(path: file)
            let config = FileSystem.exists(configPath) ? try TokenizerConfigReading.read(path: configPath)
                : TokenizerConfigReading.defaults(for: model)
            return try GGUFTokenizer(model: model, config: config)
        } catch {
            throw GGUFExportError(path: path, message: "cannot use this tokenizer: \(error)")
        }
    }

    /// `anneal-step-00000080` for `.../anneal/checkpoints/step-00000080`, else the folder's name.
    static func defaultName(for folder: String) -> String {
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        let step = url.lastPathComponent
        let parent = url.deletingLastPathComponent()
        guard step.hasPrefix("step-"), parent.lastPathComponent == "checkpoints" else { return step }
        return parent.deletingLastPathComponent().lastPathComponent + "-" + step
    }
}

/// A safetensors checkpoint read tensor by tensor into one reused buffer, after checking up front that
/// it holds exactly the model's tensors (F32) in the model's shapes. Each tensor is read with pread
/// straight into the buffer, so the peak memory of an export is the largest tensor, once.
final class SafeTensorsSource: PLMTensorSource {
    let path: String
    let file: SafeTensorsFile
    let layout: ParameterLayout
    private let buffer: UnsafeMutableBufferPointer<Float>
    private let descriptor: Int32
    /// Start of the data section: after the u64 header length and the header.
    private let dataOffset: Int

    init(path: String, config: PLMConfig) throws {
        self.path = path
        file = try SafeTensorsFile(path: path)
        layout = ParameterLayout(config: config)
        let names = Set(layout.tensors.map(\.name))
        for tensor in layout.tensors {
            guard let entry = file.entry(named: tensor.name) else {
                throw GGUFExportError(path: path, message: "tensor '\(tensor.name)' is missing (config.json asks for "
                    + "\(tensor.shape))")
            }
            guard entry.shape == tensor.shape else {
                throw GGUFExportError(path: path, message: "tensor '\(tensor.name)' has shape \(entry.shape), "
                    + "config.json asks for \(tensor.shape)")
            }
            guard entry.dtype == "F32" else {
                throw GGUFExportError(path: path, message: "tensor '\(tensor.name)' is \(entry.dtype); checkpoints hold F32")
            }
        }
        if let extra = file.entries.first(where: { !names.contains($0.name) }) {
            throw GGUFExportError(path: path, message: "tensor '\(extra.name)' \(extra.shape) is not part of the model")
        }
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw GGUFExportError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        var length: UInt64 = 0
        guard pread(descriptor, &length, 8, 0) == 8 else {
            close(descriptor)
            throw GGUFExportError(path: path, message: "cannot read the header length")
        }
        dataOffset = 8 + Int(UInt64(littleEndian: length))
        buffer = .allocate(capacity: max(1, layout.tensors.map(\.count).max() ?? 0))
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    func withValues<R>(of kind: PLMTensorKind, layer: Int?, _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        let tensor = layout.tensor(kind, layer: layer)
        let entry = file.entry(named: tensor.name)!
        let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
        let total = entry.dataEnd - entry.dataStart
        var done = 0
        while done < total {
            let got = pread(descriptor, raw + done, total - done, off_t(dataOffset + entry.dataStart + done))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw GGUFExportError(path: path, message: "tensor '\(tensor.name)' is cut short (\(done) of \(total) bytes)")
            }
            done += got
        }
        #if _endian(big)
        for i in 0..<tensor.count { buffer[i] = Float(bitPattern: UInt32(littleEndian: buffer[i].bitPattern)) }
        #endif
        return try body(UnsafeBufferPointer(rebasing: buffer[0..<tensor.count]))
    }
}
