import ArgumentParser
import Foundation
import Tokenization

struct TokenizerInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a tokenizer: vocabulary, merges, added tokens, split preset, normaliser, a sample encoding.")

    @OptionGroup var tokenizer: TokenizerArgument

    @Option(help: "The text to show encoded.")
    var sample = "Hello world! It's 2024: naïve café, 你好, 🙂\n<|im_start|>user"

    @Option(help: ArgumentHelp(
        "Also write the tokenizer to this folder as tokenizer.json + tokenizer_config.json, in this package's form.",
        discussion: "Merges become [\"a\", \"b\"] pairs; <|endoftext|>, when present, is eos and pad; ChatML template."))
    var rewriteTo: String?

    func run() throws {
        let encoder = try tokenizer.load()
        let model = encoder.model
        if let rewriteTo {
            let endOfText = model.addedTokens.contains { $0.content == "<|endoftext|>" } ? "<|endoftext|>" : nil
            try TokenizerFileWriter.write(model, config: TokenizerConfigFile(eosToken: endOfText, padToken: endOfText),
                                          to: rewriteTo)
            Console.say("wrote \(rewriteTo)/tokenizer.json and tokenizer_config.json")
        }
        print("vocabulary    \(model.vocabSize) ids" + (model.baseVocabularySize.map { " (\($0) in model.vocab, the rest added)" } ?? ""))
        print("merges        \(model.merges.count)")
        print("split preset  \(encoder.preset.rawValue)")
        print("normalizer    \(model.normalizer == .nfc ? "NFC" : "none")")
        print("ignore_merges \(model.ignoreMerges)")
        print("added tokens  \(model.addedTokens.count)")
        for token in model.addedTokens {
            var flags = [token.special ? "special" : "not special"]
            if token.normalized { flags.append("normalized") }
            if token.singleWord { flags.append("single_word") }
            if token.lstrip { flags.append("lstrip") }
            if token.rstrip { flags.append("rstrip") }
            print("  \(token.id)\t\(token.content.debugDescription)\t\(flags.joined(separator: ", "))")
        }
        printConfig()
        let ids = encoder.encode(sample, allowSpecial: true)
        print("sample        \(sample.debugDescription)")
        print("  \(ids.count) ids: \(ids.map(String.init).joined(separator: " "))")
        print("  tokens: " + ids.map { model.tokens[Int($0)].debugDescription }.joined(separator: " "))
    }

    /// The role tokens and context length from tokenizer_config.json beside the file, when there is one.
    private func printConfig() {
        var isDirectory: ObjCBool = false
        let path = tokenizer.tokenizer
        let folder = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? path : (path as NSString).deletingLastPathComponent
        let configPath = (folder as NSString).appendingPathComponent("tokenizer_config.json")
        guard let data = FileManager.default.contents(atPath: configPath) else {
            print("config        (no tokenizer_config.json)")
            return
        }
        struct Config: Decodable {
            var bos_token: String?
            var eos_token: String?
            var pad_token: String?
            var model_max_length: Double?
            var chat_template: String?
            var tokenizer_class: String?
        }
        guard let config = try? JSONDecoder().decode(Config.self, from: data) else {
            print("config        tokenizer_config.json: role tokens not plain strings, not shown")
            return
        }
        print("config        class \(config.tokenizer_class ?? "-"), bos \(config.bos_token ?? "-"), eos \(config.eos_token ?? "-"), pad \(config.pad_token ?? "-")")
        print("              model_max_length \(config.model_max_length.map { $0 < 1e15 ? String(Int($0)) : String($0) } ?? "-"), chat template \(config.chat_template == nil ? "no" : "yes")")
    }
}
