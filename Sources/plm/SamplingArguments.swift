import ArgumentParser
import PLMInference

/// How `generate` and `chat` choose tokens; defaults are llama.cpp's (see `Sampler` for the order).
struct SamplingArguments: ParsableArguments {
    @Flag(help: "Always take the most likely token (same as --temperature 0).")
    var greedy = false

    @Option(help: "Divide the logits by this before drawing (0: greedy).")
    var temperature: Double = 0.8

    @Option(help: "Keep the k most likely tokens (0: off).")
    var topK: Int = 40

    @Option(help: "Keep the most likely tokens up to this total probability (1: off).")
    var topP: Double = 0.95

    @Option(help: "Drop tokens less likely than this times the most likely one (0: off).")
    var minP: Double = 0.05

    @Option(help: "Penalise tokens seen in the last 64 (llama.cpp's rule; 1: off).")
    var repetitionPenalty: Double = 1

    @Option(help: "Seed of the draws: the same seed, prompt and model give the same text.")
    var seed: UInt64 = 0

    var options: SamplingOptions {
        SamplingOptions(greedy: greedy, temperature: temperature, topK: topK, topP: topP, minP: minP,
                        repetitionPenalty: repetitionPenalty, seed: seed)
    }

    func validate() throws {
        do { try options.validate() } catch { throw ValidationError(error.description) }
    }
}
