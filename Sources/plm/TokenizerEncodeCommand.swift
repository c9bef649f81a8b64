import ArgumentParser
import CorpusIO
import Foundation
import Tokenization

struct TokenizerEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Print the token ids of a text.",
        discussion: """
            The text comes from the argument, from --input (the whole file is one text), or with --jsonl from a
            JSONL / JSONL.zst file (field `text`), one line of ids per document, encoded on all cores.
            Special tokens written in the text are encoded as plain text unless --allow-special.
            """)

    @OptionGroup var tokenizer: TokenizerArgument

    @Flag(help: "Recognise special tokens written in the text (e.g. <|im_start|>) as their ids.")
    var allowSpecial = false

    @Option(help: "Read the text from this file instead of the argument.")
    var input: String?

    @Flag(help: "The input is JSONL (or JSONL.zst) with a `text` field; print one line per document.")
    var jsonl = false

    @Flag(help: "Print ids as a JSON array (one per line with --jsonl).")
    var json = false

    @Argument(help: "The text to encode.")
    var text: String?

    func validate() throws {
        if (text == nil) == (input == nil) { throw ValidationError("give either TEXT or --input FILE") }
        if jsonl && input == nil { throw ValidationError("--jsonl needs --input FILE") }
    }

    func run() throws {
        let encoder = try tokenizer.load()
        if jsonl, let input {
            let texts = try Self.readTexts(jsonl: input)
            for ids in encoder.encodeBatch(texts, allowSpecial: allowSpecial) { print(format(ids)) }
            return
        }
        let content: String
        if let input {
            content = String(decoding: try FileManager.default.contents(atPath: input).orThrow(input), as: UTF8.self)
        } else {
            content = text ?? ""
        }
        print(format(encoder.encode(content, allowSpecial: allowSpecial)))
    }

    private func format(_ ids: [Int32]) -> String {
        let list = ids.map(String.init)
        return json ? "[" + list.joined(separator: ",") + "]" : list.joined(separator: " ")
    }

    static func readTexts(jsonl path: String) throws -> [String] {
        struct Line: Decodable { var text: String }
        let decoder = JSONDecoder()
        var texts: [String] = []
        try ZstdLineReader.forEachLine(path: path) { line in
            guard case .line(let bytes, let offset) = line, !bytes.isEmpty else { return }
            do {
                texts.append(try decoder.decode(Line.self, from: Data(bytes)).text)
            } catch {
                throw CorruptInputError(path: path, offset: offset, message: "not a JSON object with a string `text`")
            }
        }
        return texts
    }
}

extension Optional where Wrapped == Data {
    func orThrow(_ path: String) throws -> Data {
        guard let self else { throw ValidationError("\(path): cannot read the file") }
        return self
    }
}
