import ArgumentParser
import Foundation
import Tokenization

struct TokenizerDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Print the text of token ids (bytes that end inside a character print as U+FFFD).")

    @OptionGroup var tokenizer: TokenizerArgument

    @Argument(help: "Token ids, separated by spaces or commas (a JSON array works too).")
    var ids: [String]

    func run() throws {
        let decoder = try tokenizer.load()
        var parsed: [Int32] = []
        for field in ids.joined(separator: " ").split(whereSeparator: { " ,[]\n\t".contains($0) }) {
            guard let id = Int32(field), id >= 0, Int(id) < decoder.vocabularySize else {
                throw ValidationError("\(field) is not an id of this vocabulary (0..<\(decoder.vocabularySize))")
            }
            parsed.append(id)
        }
        FileHandle.standardOutput.write(Data(decoder.decodeBytes(parsed)))
        if isatty(STDOUT_FILENO) != 0 { print() }
    }
}
