import ArgumentParser
import Foundation
import PLMInference

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Loss, perplexity and bits per byte of a model on packed shards (a phase's val split).",
        discussion: """
            Each sample of seq_len + 1 tokens is read as the trainer reads it (inputs, shifted targets, the
            loss mask if the shards carry one). Bits per byte divide the total loss in bits by the UTF-8 bytes
            of the counted targets (special tokens count 0 bytes); they compare across tokenizers. The
            exactly-zero feed-forward activations are counted per layer on the way (`--sparsity` prints
            them; the JSON always has them as ffn_sparsity).
            """)

    @OptionGroup var model: ModelArguments

    @Option(help: "Folder of packed shards, e.g. shards/local/pack/anneal/val.")
    var data: String

    @Option(help: "Evaluate at most this many samples (in folder order).")
    var maxSamples: Int?

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    @Flag(help: "Also print the fraction of exactly-zero feed-forward activations, per layer and overall.")
    var sparsity = false

    func validate() throws {
        if let maxSamples, maxSamples < 1 { throw ValidationError("--max-samples must be at least 1") }
    }

    func run() throws {
        let loaded = try model.load()
        let engine = model.engine(loaded)
        let result = try Evaluator.evaluate(engine: engine, data: data, tokenizer: loaded.tokenizer?.tokenizer,
                                            maxSamples: maxSamples)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        print("data            \(result.data) (\(result.samples) samples, \(result.tokens) tokens)")
        print(String(format: "loss            %.4f nats/token", result.loss))
        print(String(format: "perplexity      %.2f", result.perplexity))
        print(String(format: "bits per token  %.4f", result.bitsPerToken))
        if let bpb = result.bitsPerByte, let bytes = result.bytes {
            print(String(format: "bits per byte   %.4f (%d bytes)", bpb, bytes))
        } else {
            print("bits per byte   - (no tokenizer)")
        }
        print(String(format: "speed           %.0f tokens/s (%.2f s, %d threads)", result.tokensPerSecond,
                     result.seconds, engine.threads))
        if sparsity, let counts = result.ffnSparsity {
            print(String(format: "ffn zeros       %.2f%% of %d activations", 100 * counts.overall, counts.values.reduce(0, +)))
            for (layer, fraction) in counts.layers.enumerated() {
                print(String(format: "  layer %-3d     %.2f%%", layer, 100 * fraction))
            }
        }
    }
}
