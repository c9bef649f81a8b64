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
    /// Tensors of the folder left out (a tied `lm_head.weight` copy) and where llama.cpp may tokenize
    /// otherwise than the tokenizer folder (`GGUFTokenizer.llamaCppCaveats`).
    public var notes: [String]
}

/// Exports one of our checkpoint folders (`model.safetensors` + `config.json`; also a Hugging Face
/// folder with shards, in f32, f16 or bf16) with a tokenizer folder to GGUF. Checkpoints are found
/// as the engine finds them (`ModelLocation`: a checkpoint folder, a run phase folder's
/// `checkpoints/latest`, the nearest `tokenizer/` folder above). Tensors are read one at a time
/// (`HFModelFolder`: f32 in place from the mapped file) while the GGUF streams out, so an export
/// never holds the model in memory, only the tensor being converted.
public enum PLMGGUFExport {
    @discardableResult
    public static func export(checkpoint: String, tokenizer: String? = nil, to output: String, type: WeightType,
                              name: String? = nil) throws -> GGUFExportResult {
        let clock = ContinuousClock.now
        let location = try ModelLocation.find(checkpoint, tokenizer: tokenizer)
        guard location.format == .checkpointFolder else {
            throw GGUFExportError(path: location.path, message: "is a GGUF file already; export takes a checkpoint "
                + "folder or a run phase folder")
        }
        guard let tokenizerFolder = location.tokenizerFolder else {
            throw GGUFExportError(path: location.path, message: "no tokenizer.json in the checkpoint folder and no "
                + "tokenizer/ folder above it; give one with --tokenizer")
        }
        let ggufTokenizer = try loadTokenizer(tokenizerFolder)
        let folder = try HFModelFolder(folder: location.path)
        let summary = try PLMGGUFWriter.write(config: folder.config, tokenizer: ggufTokenizer, weights: folder, type: type,
                                              name: name ?? defaultName(for: location.path), to: output)
        let elapsed = ContinuousClock.now - clock
        return GGUFExportResult(summary: summary, checkpoint: location.path, tokenizer: tokenizerFolder, type: type,
                                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                                notes: folder.ignored.map(\.description) + ggufTokenizer.llamaCppCaveats)
    }

    /// The tokenizer of a folder with the role tokens and template of its `tokenizer_config.json`, or, when
    /// it has none, what our tokenizer folders say: `<|endoftext|>` (else the first special token) ends
    /// text and pads, no BOS, ChatML when both of its markers are special tokens.
    public static func loadTokenizer(_ folder: String) throws -> GGUFTokenizer {
        let configPath = folder + "/tokenizer_config.json"
        do {
            let model = try TokenizerFileReader.read(path: folder + "/tokenizer.json")
            if FileSystem.exists(configPath) {
                return try GGUFTokenizer(model: model, config: try TokenizerConfigFile.read(path: configPath))
            }
            let specials = model.addedTokens.filter(\.special).map(\.content)
            let end = specials.contains("<|endoftext|>") ? "<|endoftext|>" : specials.first
            let chat = specials.contains("<|im_start|>") && specials.contains("<|im_end|>")
            return try GGUFTokenizer(model: model, config: TokenizerConfigFile(
                bosToken: nil, eosToken: end, padToken: end, chatTemplate: chat ? TokenizerConfigFile.chatMLTemplate : nil))
        } catch {
            throw GGUFExportError(path: folder, message: "cannot use this tokenizer: \(error)")
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

/// A checkpoint folder gives each tensor as f32 in place (an aligned F32 tensor of the mapped file) or
/// converted into a buffer that lives for the call only (F16, BF16). Once a tensor has been used, its
/// pages are dropped from this process's mapping (the file is mapped read-only and private, so they
/// are read again from the file if ever touched): streaming a model through leaves the process holding
/// one tensor, not every page of the file it has passed.
extension HFModelFolder: PLMTensorSource {
    public func withValues<R>(of kind: PLMTensorKind, layer: Int?,
                              _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        let tensor = layout.tensor(kind, layer: layer)
        defer { Self.dropPages(of: location(of: tensor).rawBytes) }
        return try withFloats(tensor, body)
    }

    /// MADV_DONTNEED on the whole pages inside `bytes`.
    private static func dropPages(of bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + bytes.count) / page * page
        guard end > start, let first = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(first, end - start, MADV_DONTNEED)
    }
}
