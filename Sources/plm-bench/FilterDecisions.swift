import ArgumentParser
import CorpusIO
import Curation
import Foundation

/// Runs each quality filter on its own over `{"id", "text"}` JSON lines and prints every decision,
/// for `Benchmarks/datatrove/compare_filters.py`; the last line holds each filter's MB/s per core
/// (documents' UTF-8 bytes over the thread's CPU time).
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
        // Each filter runs over all documents in turn, timed as a whole by the thread's CPU clock
        // (MB/s per core, fair on a loaded machine; no clock call per document to distort fast filters).
        var results = [[JSONValue]](repeating: [], count: filters.count)
        var rates: [String: JSONValue] = [:]
        let bytes = Double(documents.reduce(0) { $0 + $1.text.utf8.count })
        for (index, filter) in filters.enumerated() {
            var decisions: [(FilterDecision, String)] = []
            decisions.reserveCapacity(documents.count)
            let seconds = ThreadCPUClock.measure {
                for document in documents {
                    var text = document.text
                    let decision = filter.apply(to: &text)
                    decisions.append((decision, text))
                }
            }
            rates[filter.name] = .double(bytes / 1e6 / max(seconds, 1e-9))
            results[index] = decisions.map { decision, text in
                switch decision {
                case .keep:
                    var entry: [String: JSONValue] = ["decision": .string("keep")]
                    if filter.name == "c4_quality" || filter.name == "pii" { entry["text"] = .string(text) }
                    return .object(entry)
                case .drop(let reason):
                    return .object(["decision": .string(reason ?? "dropped")])
                }
            }
        }
        var out: [UInt8] = []
        for (row, document) in documents.enumerated() {
            var fields: [(key: String, value: JSONValue)] = [("id", .string(document.id))]
            for (index, filter) in filters.enumerated() { fields.append((filter.name, results[index][row])) }
            out.removeAll(keepingCapacity: true)
            JSONText.appendObject(fields, to: &out)
            out.append(0x0A)
            FileHandle.standardOutput.write(Data(out))
        }
        // The full English set as a chain (the first drop ends a document's run), as the filter stage
        // runs it: its filters share one tokenizer, as `FilterConfig.makeFilters(forDomain:)` builds them.
        let shared = SharedWordTokenizer(words)
        let chain = try Self.englishSet.map { try config.makeFilter(named: $0, tokenizer: shared) }
        let chainSeconds = ThreadCPUClock.measure {
            for document in documents {
                var text = document.text
                for filter in chain { if case .drop = filter.apply(to: &text) { break } }
            }
        }
        rates["english_set"] = .double(bytes / 1e6 / max(chainSeconds, 1e-9))
        out.removeAll()
        JSONText.appendObject([("mb_per_s", .object(rates))], to: &out)
        out.append(0x0A)
        FileHandle.standardOutput.write(Data(out))
    }
}

/// CPU time of the calling thread.
enum ThreadCPUClock {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Seconds of this thread's CPU time that `body` took.
    static func measure(_ body: () throws -> Void) rethrows -> Double {
        let start = now()
        try body()
        return now() - start
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
