import ArgumentParser
import CorpusIO
import Foundation
import PLMModel

/// Hidden helper for Benchmarks/torch/parity.py: writes a seeded plm model as config.json +
/// model.safetensors, or computes the loss and every tensor's gradient norm for given weights and
/// tokens, as JSON, so an independent implementation can be compared on the same numbers.
struct TrainParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-parity", abstract: "Loss and per-tensor gradient norms as JSON (for parity checks).",
        shouldDisplay: false)

    @Option(help: "Folder with config.json + model.safetensors to evaluate.")
    var model: String?

    @Option(help: "Tokens JSON: batch_size, sequence_length, inputs, targets, optional loss_mask, document_index.")
    var tokens: String?

    @Flag(help: "Keep attention inside documents (needs document_index).")
    var maskDocuments = false

    @Option(help: "Write the result JSON here (default: standard output).")
    var output: String?

    @Option(help: "With --save: a config.json giving the shape of a fresh model.")
    var initConfig: String?

    @Option(help: "With --init-config: initialisation seed.")
    var seed: UInt64 = 0

    @Option(help: "With --init-config: folder to write the seeded model to.")
    var save: String?

    @Option(help: "Threads.")
    var threads: Int = 1

    struct TokensFile: Decodable {
        var batch_size: Int
        var sequence_length: Int
        var inputs: [Int32]
        var targets: [Int32]
        var loss_mask: [Float]?
        var document_index: [Int32]?
    }

    struct Result: Encodable {
        var loss: Double
        var loss_sum: Double
        var count: Int
        var forward_only_loss: Double
        var grad_norms: [String: Double]
    }

    func run() throws {
        if let initConfig, let save {
            let config = try HFConfigFile.readModelConfig(path: initConfig)
            try FileManager.default.createDirectory(atPath: save, withIntermediateDirectories: true)
            let fresh = PLMTransformer(config: config, seed: seed, options: ModelOptions(threads: threads))
            try Checkpoint.writeModel(fresh, to: save)
            return
        }
        guard let model, let tokens else { throw ValidationError("give --model and --tokens (or --init-config and --save)") }
        let loaded = try Checkpoint.loadModel(from: model, options: ModelOptions(maskAcrossDocuments: maskDocuments,
                                                                               threads: threads))
        let file = try JSONDecoder().decode(TokensFile.self, from: Data(try FileInput.readAll(path: tokens)))
        guard file.inputs.count == file.batch_size * file.sequence_length, file.targets.count == file.inputs.count else {
            throw ValidationError("\(tokens): inputs and targets must hold batch_size x sequence_length ids")
        }
        let batch = TokenBatch(batchSize: file.batch_size, sequenceLength: file.sequence_length, inputs: file.inputs,
                               targets: file.targets, lossMask: file.loss_mask, documentIndex: file.document_index)
        let counted = batch.countedTargets
        loaded.zeroGradients()
        let result = loaded.forwardBackward(batch, gradientScale: Float(1.0 / Double(max(1, counted))))
        var norms: [String: Double] = [:]
        for tensor in loaded.layout.tensors {
            norms[tensor.name] = AdamW.norm(UnsafeMutableBufferPointer(
                rebasing: loaded.gradients[tensor.offset..<tensor.offset + tensor.count]))
        }
        let forward = loaded.loss(batch)
        let out = Result(loss: result.lossSum / Double(max(1, result.count)), loss_sum: result.lossSum,
                         count: result.count, forward_only_loss: forward.lossSum / Double(max(1, forward.count)),
                         grad_norms: norms)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(out) + Data([0x0A])
        if let output { try FileSystem.writeAtomically(Array(json), to: output) } else {
            FileHandle.standardOutput.write(json)
        }
    }
}
