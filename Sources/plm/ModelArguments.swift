import ArgumentParser
import Foundation
import PLMInference

/// The model a command runs: CHECKPOINT, its tokenizer, the weight type and the threads.
struct ModelArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("A checkpoint folder (config.json + model.safetensors, or a Hugging Face folder "
        + "with an index), a run's phase (shards/local/train/anneal: its final checkpoint), or a .gguf file.",
        valueName: "checkpoint"))
    var checkpoint: String

    @Option(help: ArgumentHelp("Folder with tokenizer.json (+ tokenizer_config.json), or the tokenizer.json file. "
        + "Default: the checkpoint's own, else the nearest tokenizer/ folder above it (a run's), else the GGUF's."))
    var tokenizer: String?

    @Option(help: "Weights in memory: f32, f16 or q8_0 (default: f32 for safetensors, as stored for GGUF).")
    var type: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Flag(help: ArgumentHelp("Decode with the sparse feed-forward path: only the columns of down_proj whose "
        + "squared-ReLU activation is not zero (same result; a transposed copy of down_proj is kept)."))
    var sparseFFN = false

    @Option(help: ArgumentHelp("Skip the rows of up_proj that a low-rank stand-in of this rank predicts negative "
        + "(zero after squared ReLU). Off by default: it changes the output; plm eval measures the cost."))
    var ffnPredictorRank: Int?

    @Option(help: "With --ffn-predictor-rank: skip only rows predicted below -M x the RMS of the predictions.")
    var ffnPredictorMargin: Float = 0

    func validate() throws {
        if let type, WeightType(rawValue: type) == nil {
            throw ValidationError("--type must be one of \(WeightType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let rank = ffnPredictorRank, rank < 1 { throw ValidationError("--ffn-predictor-rank must be at least 1") }
        if ffnPredictorMargin < 0 || !ffnPredictorMargin.isFinite {
            throw ValidationError("--ffn-predictor-margin must be a number >= 0")
        }
    }

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    /// Finds and loads the model (and its tokenizer); says what was loaded on standard error.
    func load() throws -> LoadedModel {
        let location = try ModelLocation.find(checkpoint, tokenizer: tokenizer)
        let start = Date()
        let model = try LoadedModel.load(location, type: type.flatMap(WeightType.init(rawValue:)), threads: threadCount)
        let c = model.weights.config
        Console.say("model: \(location.path) (\(String(format: "%.2f", Double(c.parameterCount) / 1e6))M parameters, "
            + "\(model.weights.type.rawValue), \(String(format: "%.1f", Double(model.weights.byteCount) / 1_048_576)) MiB, "
            + "loaded in \(String(format: "%.2f", Date().timeIntervalSince(start))) s); tokenizer: "
            + (model.tokenizer == nil ? "none" : location.tokenizerFolder ?? "from the GGUF file"))
        return model
    }

    /// The engine for a loaded model, with this command line's threads and feed-forward path.
    func engine(_ model: LoadedModel) -> PLMEngine {
        PLMEngine(weights: model.weights, threads: threadCount, sparseFFN: sparseFFN,
                  ffnPredictor: ffnPredictorRank.map { FFNPredictorOptions(rank: $0, margin: ffnPredictorMargin) })
    }

    /// The tokenizer, or an error saying how to give one.
    func requireTokenizer(_ model: LoadedModel) throws -> ModelTokenizer {
        guard let tokenizer = model.tokenizer else {
            throw ValidationError("no tokenizer found for \(checkpoint): give --tokenizer DIR (a folder with tokenizer.json)")
        }
        return tokenizer
    }
}
