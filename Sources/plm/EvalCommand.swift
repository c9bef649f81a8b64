import ArgumentParser
import Foundation
import Pipeline
import PLMInference

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Loss, perplexity and bits per byte of a model on packed shards (a phase's val split), "
            + "or its exact-match score on an evaluation set.",
        discussion: """
            With --data: each sample of seq_len + 1 tokens is read as the trainer reads it (inputs, shifted targets, the
            loss mask if the shards carry one). Bits per byte divide the total loss in bits by the UTF-8 bytes
            of the counted targets (special tokens count 0 bytes); they compare across tokenizers. The
            exactly-zero feed-forward activations are counted per layer on the way (`--sparsity` prints
            them; the JSON always has them as ffn_sparsity).

            With --task: each item of a JSONL evaluation set ({"prompt": ..., "answer": ...} per line, as
            `plm make-sft` writes them under make-sft/evaluations/) is asked as one user turn, answered
            greedily, and scored by the rule (--scorer), as `plm run` scores every phase: the number right
            out of those asked, with a 95% Wilson interval.
            """)

    @OptionGroup var model: ModelArguments

    @Option(help: "Folder of packed shards, e.g. shards/local/pack/anneal/val.")
    var data: String?

    @Option(help: "An evaluation set (JSONL with prompt and answer), e.g. shards/local/make-sft/evaluations/arithmetic.jsonl.")
    var task: String?

    @Option(help: ArgumentHelp("With --task: arithmetic (the integer after the last \"Answer:\", else the last "
        + "integer, equals the answer) or exact (the trimmed reply equals it)."))
    var scorer = "arithmetic"

    @Option(help: "With --task: the most tokens of each reply.")
    var taskMaxTokens = 32

    @Option(help: "With --task: score only the first N items.")
    var maxItems: Int?

    @Option(help: "Evaluate at most this many samples (in folder order).")
    var maxSamples: Int?

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    @Flag(help: "Also print the fraction of exactly-zero feed-forward activations, per layer and overall.")
    var sparsity = false

    func validate() throws {
        if let maxSamples, maxSamples < 1 { throw ValidationError("--max-samples must be at least 1") }
        guard (data == nil) != (task == nil) else { throw ValidationError("give exactly one of --data or --task") }
        if ManifestEvaluation.ScorerKind(rawValue: scorer) == nil {
            throw ValidationError("--scorer must be one of "
                + ManifestEvaluation.ScorerKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if taskMaxTokens < 1 { throw ValidationError("--task-max-tokens must be at least 1") }
        if let maxItems, maxItems < 1 { throw ValidationError("--max-items must be at least 1") }
    }

    func run() throws {
        let loaded = try model.load()
        let engine = model.engine(loaded)
        // validate() lets exactly one of --data and --task through.
        guard let data else { return try score(task: task ?? "", engine: engine, loaded: loaded) }
        let result = try Evaluator.evaluate(engine: engine, data: data, tokenizer: loaded.tokenizer?.tokenizer,
                                            maxSamples: maxSamples)
        if json {
            try Console.printJSON(result)
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

    /// Answers the evaluation set's items greedily and prints the score (or its JSON).
    private func score(task: String, engine: PLMEngine, loaded: LoadedModel) throws {
        let tokenizer = try model.requireTokenizer(loaded)
        let items = try TaskEvaluation.items(path: task)
        guard !items.isEmpty else { throw ValidationError("\(task) has no item with both a prompt and an answer") }
        let replier = try ChatReplier(engine: engine, tokenizer: tokenizer.tokenizer)
        let start = Date()
        let score = try TaskEvaluation.score(items, replier: replier, scorer: ManifestEvaluation.ScorerKind(rawValue: scorer) ?? .arithmetic,
                                             maxItems: maxItems, maxTokens: taskMaxTokens)
        if json {
            try Console.printJSON(score)
            return
        }
        print("task            \(task) (\(score.total) items scored, \(score.tooLong) too long for the context)")
        print(String(format: "correct         %d of %d (%.1f%%, 95%% CI %.1f-%.1f%%)", score.correct, score.total,
                     100 * score.accuracy, 100 * score.low, 100 * score.high))
        for example in score.examples {
            print("  \(example.correct ? "right" : "wrong")  \(example.prompt.debugDescription) -> \(example.reply.debugDescription) "
                + "(answer \(example.answer))")
        }
        print(String(format: "time            %.2f s", Date().timeIntervalSince(start)))
    }
}
