import ArgumentParser
import Foundation
import Tokenization

struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Train, run and look into byte-level BPE tokenizers (tokenizer.json, as Hugging Face writes it).",
        subcommands: [TokenizerTrainCommand.self, TokenizerEncodeCommand.self, TokenizerDecodeCommand.self,
                      TokenizerInspectCommand.self])
}

/// `--tokenizer DIR|FILE`: a folder with tokenizer.json, or the file itself.
struct TokenizerArgument: ParsableArguments {
    @Option(help: "A tokenizer folder (with tokenizer.json) or a tokenizer.json file.")
    var tokenizer: String

    func loadModel() throws -> BPEModel {
        do {
            return try TokenizerFileReader.read(path: tokenizer)
        } catch {
            throw TokenizerLoadError(path: tokenizer, error: error)
        }
    }

    func load() throws -> BPETokenizer {
        let model = try loadModel()
        do {
            return try BPETokenizer(model: model)
        } catch {
            throw TokenizerLoadError(path: tokenizer, error: error)
        }
    }
}

/// A tokenizer that could not be loaded, with the path in front of the field-level reason.
struct TokenizerLoadError: Error, CustomStringConvertible {
    let path: String
    let error: TokenizerError
    var description: String { "\(path): \(error)" }
}
