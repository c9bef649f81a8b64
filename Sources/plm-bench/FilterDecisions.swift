import ArgumentParser
import CorpusIO
import Curation
import Foundation

/// Runs each quality filter on its own over `{"id", "text"}` JSON lines and prints every decision,
/// for `Benchmarks/datatrove/compare_filters.py`; the last line holds each filter's MB/s.
struct FilterDecisions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter-decisions", abstract: "Per-document decisions of each filter alone (JSON lines).")

    static let compared = ["gopher_repetition", "gopher_quality", "c4_quality", "c4_paragraph", "fineweb_quality", "pii"]
    /// datatrove's FineWeb order.
    static let englishSet = ["gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality"]

    @Option(help: "JSON lines with id and text (.jsonl or .jsonl.zst).")
    var input: String

    @Option(help: "Word tokenizer: spacy or whitespace.")
    var tokenizer = "spacy"

    func run() throws {
        var config = FilterConfig()
        guard let kind = FilterWordTokenizer(rawValue: tokenizer) else { throw ValidationError("unknown tokenizer \(tokenizer)") }
        config.wordTokenizer = kind
        let words = config.makeWordTokenizer()
        let filters = try Self.compared.map { try config.makeFilter(named: $0, tokenizer: words) }
        let documents = try BenchDocuments.read(input)
        var seconds = [Double](repeating: 0, count: filters.count)
        var out: [UInt8] = []
        let clock = ContinuousClock()
        for document in documents {
            var fields: [(key: String, value: JSONValue)] = [("id", .string(document.id))]
            for (index, filter) in filters.enumerated() {
                var text = document.text
                var decision = FilterDecision.keep
                let elapsed = clock.measure { decision = filter.apply(to: &text) }
                seconds[index] += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                var entry: [String: JSONValue] = [:]
                switch decision {
                case .keep:
                    entry["decision"] = .string("keep")
                    if filter.name == "c4_quality" || filter.name == "pii" { entry["text"] = .string(text) }
                case .drop(let reason):
                    entry["decision"] = .string(reason ?? "dropped")
                }
                fields.append((filter.name, .object(entry)))
            }
            out.removeAll(keepingCapacity: true)
            JSONText.appendObject(fields, to: &out)
            out.append(0x0A)
            FileHandle.standardOutput.write(Data(out))
        }
        let bytes = Double(documents.reduce(0) { $0 + $1.text.utf8.count })
        var rates = Dictionary(uniqueKeysWithValues: zip(filters.map(\.name), seconds.map { JSONValue.double(bytes / 1e6 / max($0, 1e-9)) }))
        // The full English set as a chain (the first drop ends a document's run), as the filter stage runs it.
        // Its filters share one tokenizer, as `FilterConfig.makeFilters(forDomain:)` builds a chain.
        let shared = SharedWordTokenizer(words)
        let chain = try Self.englishSet.map { try config.makeFilter(named: $0, tokenizer: shared) }
        let chainTime = clock.measure {
            for document in documents {
                var text = document.text
                for filter in chain { if case .drop = filter.apply(to: &text) { break } }
            }
        }
        rates["english_set"] = .double(bytes / 1e6 / max(Double(chainTime.components.seconds) + Double(chainTime.components.attoseconds) / 1e18, 1e-9))
        out.removeAll()
        JSONText.appendObject([("mb_per_s", .object(rates))], to: &out)
        out.append(0x0A)
        FileHandle.standardOutput.write(Data(out))
    }
}

/// `{"id", "text"}` JSON lines read whole (benchmark inputs are small).
enum BenchDocuments {
    struct Record: Decodable {
        var id: String
        var text: String
    }

    static func read(_ path: String) throws -> [Record] {
        var records: [Record] = []
        let decoder = JSONDecoder()
        try ZstdLineReader.forEachLine(path: path) { line in
            guard case .line(let bytes, _) = line, !bytes.isEmpty else { return }
            records.append(try decoder.decode(Record.self, from: Data(bytes)))
        }
        return records
    }
}
