import ArgumentParser
import Foundation
import PLMInference

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with a model, streaming the text as it is generated.",
        discussion: """
            The prompt is encoded with special tokens recognised (so ChatML can be written by hand). Generation
            stops at an end-of-generation token (<|endoftext|>, <|im_end|>), a --stop string (the text ends just
            before it), --max-tokens, or the end of the model's context; a prompt longer than the context is an
            error. Speeds go to standard error; --json prints one object with the prompt ids, the generated ids,
            the text and (with --logits) the logits of the last prompt position.
            """)

    @OptionGroup var model: ModelArguments
    @OptionGroup var sampling: SamplingArguments

    @Option(help: "The prompt text.")
    var prompt: String?

    @Option(help: "Read the prompt from this file.")
    var promptFile: String?

    @Option(help: "Generate at most this many tokens.")
    var maxTokens: Int = 128

    @Option(help: "Stop when this text appears (repeatable).")
    var stop: [String] = []

    @Flag(help: "Print one JSON object instead of streaming text.")
    var json = false

    @Flag(help: "With --json: also print the logits of the last prompt position (prompt_logits).")
    var logits = false

    @Flag(help: "With --json: print the logits of every prompt position, row after row (parity scripts).")
    var allLogits = false

    @Flag(help: "Print the engine's memory after generating: weights, cache, scratch and the process's peak RSS.")
    var memory = false

    func validate() throws {
        guard (prompt == nil) != (promptFile == nil) else { throw ValidationError("give --prompt or --prompt-file") }
        guard maxTokens >= 1 else { throw ValidationError("--max-tokens must be at least 1") }
        if (logits || allLogits) && !json { throw ValidationError("--logits and --all-logits go with --json") }
    }

    func run() throws {
        let loaded = try model.load()
        let tokenizer = try model.requireTokenizer(loaded)
        let text = try prompt ?? String(contentsOfFile: promptFile!, encoding: .utf8)
        let ids = tokenizer.tokenizer.encode(text, allowSpecial: true)
        guard !ids.isEmpty else { throw ValidationError("the prompt is empty: there is nothing to continue") }
        let engine = model.engine(loaded)
        let generator = Generator(engine: engine, tokenizer: tokenizer.tokenizer)
        let stops = StopConditions(tokenIds: tokenizer.endOfGeneration, strings: stop, maxTokens: maxTokens)
        let cache = engine.makeCache(capacity: ids.count + maxTokens)
        let result = try generator.generate(prompt: ids, cache: cache,
                                            sampling: sampling.options, stop: stops,
                                            promptLogits: allLogits ? .all : logits ? .last : .none) { piece in
            guard !json else { return }
            FileHandle.standardOutput.write(Data(piece.utf8))
        }
        if json {
            try Console.printJSON(result)
        } else {
            FileHandle.standardOutput.write(Data("\n".utf8))   // unbuffered, like the streamed text
        }
        Console.say(String(format: "prompt %d tokens, %.1f tok/s; generated %d tokens, %.1f tok/s; stop: %@",
                           result.promptIds.count, result.prefillTokensPerSecond, result.generatedIds.count,
                           result.decodeTokensPerSecond, result.stopReason))
        if memory { Console.say(engine.memory(cache: cache).summary) }
    }
}
