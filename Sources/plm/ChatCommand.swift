import ArgumentParser
import Foundation
import PLMInference

struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk with a model in ChatML, keeping the conversation and its cache between turns.",
        discussion: """
            Reads one message per line from standard input and streams each reply to standard output; a reply
            ends at <|im_end|> (or --max-tokens). The cache keeps the conversation, so a turn costs only its new
            tokens. When the conversation and a reply would not fit in the context, the oldest exchanges are
            dropped (the system message is kept) and a note says so. /reset starts over; end of input ends.
            """)

    @OptionGroup var model: ModelArguments
    @OptionGroup var sampling: SamplingArguments

    @Option(help: "A system message opening the conversation.")
    var system: String?

    @Option(help: "The most tokens a reply may take (also kept free in the context for it).")
    var maxTokens: Int = 256

    func validate() throws {
        guard maxTokens >= 1 else { throw ValidationError("--max-tokens must be at least 1") }
    }

    func run() throws {
        let loaded = try model.load()
        let tokenizer = try model.requireTokenizer(loaded)
        let engine = model.engine(loaded)
        var session = try ChatSession(engine: engine, tokenizer: tokenizer, systemPrompt: system, maxTokens: maxTokens)
        var options = sampling.options
        while true {
            FileHandle.standardError.write(Data("you> ".utf8))
            guard let line = readLine(strippingNewline: true) else { break }
            let message = line.trimmingCharacters(in: .whitespaces)
            if message.isEmpty { continue }
            if message == "/reset" {
                session = try ChatSession(engine: engine, tokenizer: tokenizer, systemPrompt: system, maxTokens: maxTokens)
                continue
            }
            let reply = try session.send(message, sampling: options) { piece in
                FileHandle.standardOutput.write(Data(piece.utf8))
            }
            FileHandle.standardOutput.write(Data("\n".utf8))   // unbuffered, like the streamed text
            if reply.droppedExchanges > 0 {
                Console.note("dropped the \(reply.droppedExchanges) oldest exchange(s) to fit the context")
            }
            Console.say(String(format: "[%d new prompt tokens, %d generated, %.1f tok/s; %@]", reply.promptTokens,
                               reply.result.generatedIds.count, reply.result.decodeTokensPerSecond,
                               reply.result.stopReason))
            options.seed &+= 1     // a new draw sequence per turn, still reproducible from --seed
        }
    }
}
