import ArgumentParser
import Foundation
import PLMInference

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained checkpoint in another format.",
        subcommands: [ExportGGUFCommand.self])
}

struct ExportGGUFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gguf",
        abstract: "Write a checkpoint as a GGUF file for llama.cpp (architecture plm).",
        discussion: """
            CHECKPOINT is a checkpoint folder (model.safetensors + config.json) or a run phase folder such as
            shards/local/train/anneal, whose checkpoints/latest is taken. The tokenizer is --tokenizer, else
            tokenizer.json in the checkpoint folder, else the nearest tokenizer/ folder above the checkpoint.
            Norms stay f32 in every type; under q8_0 a matrix whose rows are not whole blocks of 32 is
            written as f16, as llama.cpp's converter does.
            """)

    @Argument(help: "A checkpoint folder, or a run phase folder (its checkpoints/latest).")
    var checkpoint: String

    @Argument(help: "The GGUF file to write.")
    var output: String

    @Option(help: "Weight type: f32, f16 or q8_0.")
    var type: String = "f16"

    @Option(help: "A tokenizer folder (tokenizer.json + tokenizer_config.json) or a tokenizer.json file.")
    var tokenizer: String?

    @Option(help: "general.name (default: the phase and step of the checkpoint).")
    var name: String?

    func validate() throws {
        if WeightType(rawValue: type) == nil {
            throw ValidationError("cannot write --type '\(type)': choose one of "
                + WeightType.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        let result = try PLMGGUFExport.export(checkpoint: checkpoint, tokenizer: tokenizer, to: output,
                                              type: WeightType(rawValue: type)!, name: name)
        let summary = result.summary
        print("wrote \(summary.path): \(summary.tensorCount) tensors, \(summary.metadataCount) keys, "
            + "\(summary.byteCount) bytes (\(String(format: "%.1f", Double(summary.byteCount) / 1_048_576)) MiB), "
            + "type \(result.type.rawValue), \(String(format: "%.2f", result.seconds)) s")
        print("  from \(result.checkpoint), tokenizer \(result.tokenizer)")
        for note in result.notes { Console.note(note) }
    }
}
