import ArgumentParser
import CorpusIO
import Curation
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print the documents of a .jsonl.zst (or .jsonl) file.")

    @Argument(help: "A document file written by a stage, e.g. shards/local/ingest/docs/00000.jsonl.zst.")
    var file: String

    @Option(name: .shortAndLong, help: "Print at most this many documents.")
    var limit: Int = 5

    @Option(help: "Show at most this many characters of each text (0: all).")
    var chars: Int = 400

    @Flag(help: "Print the raw JSON lines instead.")
    var json = false

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be at least 0") }
        guard FileSystem.exists(file) else { throw ValidationError("\(file): no such file") }
    }

    func run() throws {
        var shown = 0
        let decoder = JSONDecoder()
        struct Done: Error {}
        do {
            try ZstdLineReader.forEachLine(path: file) { line in
                guard shown < limit else { throw Done() }
                guard case .line(let bytes, let offset) = line, !bytes.isEmpty else { return }
                shown += 1
                if json {
                    print(String(decoding: bytes, as: UTF8.self))
                    return
                }
                guard let document = try? decoder.decode(Document.self, from: Data(bytes)) else {
                    print("-- byte \(offset): not a document: \(String(decoding: bytes.prefix(120), as: UTF8.self))")
                    return
                }
                print(render(document))
            }
        } catch is Done {}
    }

    private func render(_ document: Document) -> String {
        var metadata: [UInt8] = []
        JSONValue.object(document.metadata).write(to: &metadata)
        let text = chars > 0 && document.text.count > chars
            ? String(document.text.prefix(chars)) + " [... \(document.text.count - chars) more characters]"
            : document.text
        return """
            ── \(document.id)
               source \(document.source)  added \(document.added)  \(document.text.utf8.count) bytes
               metadata \(String(decoding: metadata, as: UTF8.self))
            \(text)

            """
    }
}
