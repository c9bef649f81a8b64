import CorpusIO
import Foundation
import Testing
@testable import Curation
import Stages

/// datatrove's decisions on the bad inputs, made by `Benchmarks/datatrove/make_bad_input_golden.py`.
struct BadInputGolden: Decodable {
    /// A decision, and for a rewriting filter a summary of its output.
    struct Outcome: Decodable {
        struct Summary: Decodable {
            var length: Int
            var head: String
            var tail: String
        }

        var decision: String
        var text: Summary?
    }

    /// `[piece, times]`.
    struct Part: Decodable {
        var piece: String
        var times: Int

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            piece = try container.decode(String.self)
            times = try container.decode(Int.self)
        }
    }

    struct Record: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var parts: [Part]
        var tokenizer: String
        var outcomes: [String: Outcome]

        var testDescription: String { "\(name) (\(tokenizer))" }

        var text: String {
            var text = ""
            text.reserveCapacity(parts.reduce(0) { $0 + $1.piece.utf8.count * $1.times })
            for part in parts { for _ in 0..<part.times { text += part.piece } }
            return text
        }

        enum CodingKeys: String, CodingKey { case name, parts, tokenizer }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            parts = try container.decode([Part].self, forKey: .parts)
            tokenizer = try container.decode(String.self, forKey: .tokenizer)
            let all = try decoder.container(keyedBy: AnyKey.self)
            outcomes = [:]
            for name in FilterBadInputTests.filters {
                outcomes[name] = try all.decode(Outcome.self, forKey: AnyKey(stringValue: name)!)
            }
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var records: [Record]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bad-input-golden.json")

    static let records: [Record] = (try? JSONDecoder().decode(BadInputGolden.self, from: Data(contentsOf: url)))?.records ?? []
}


@Suite("Filters on bad input, against datatrove")
struct FilterBadInputTests {
    static let filters = ["gopher_repetition", "gopher_quality", "c4_quality", "c4_paragraph", "fineweb_quality", "pii"]

    @Test("the golden file covers every bad input of the issue")
    func coverage() {
        let names = Set(BadInputGolden.records.map(\.name))
        for name in ["empty", "whitespace_only", "single_line_50mb", "replaced_surrogates", "right_to_left", "cjk", "c4_empties"] {
            #expect(names.contains(name), "\(name)")
        }
        let long = BadInputGolden.records.first { $0.name == "single_line_50mb" }
        #expect((long?.text.utf8.count ?? 0) >= 50_000_000)
        #expect(!(long?.text.contains("\n") ?? true))
    }

    @Test("each filter alone decides as datatrove does, and rewrites to the same text", arguments: BadInputGolden.records)
    func decisions(_ record: BadInputGolden.Record) throws {
        var config = FilterConfig()
        config.wordTokenizer = try #require(FilterWordTokenizer(rawValue: record.tokenizer))
        let tokenizer = config.makeWordTokenizer()
        let text = record.text
        for name in Self.filters {
            let want = try #require(record.outcomes[name])
            var output = text
            let decision = try config.makeFilter(named: name, tokenizer: tokenizer).apply(to: &output)
            switch decision {
            case .keep: #expect(want.decision == "keep", "\(name)")
            case .drop(let reason): #expect(want.decision == (reason ?? "dropped"), "\(name)")
            }
            if let summary = want.text {
                let scalars = Array(output.unicodeScalars)
                #expect(scalars.count == summary.length, "\(name) length")
                #expect(String(String.UnicodeScalarView(scalars.prefix(100))).unicodeScalars.elementsEqual(summary.head.unicodeScalars),
                        "\(name) head")
                #expect(String(String.UnicodeScalarView(scalars.suffix(100))).unicodeScalars.elementsEqual(summary.tail.unicodeScalars),
                        "\(name) tail")
            }
        }
    }

    @Test("the filter stage drops a document that C4's line removal empties, with its reason, and keeps the others")
    func c4EmptiedThroughTheStage() throws {
        let folder = try TemporaryFolder()
        let root = folder.path
        let emptied = try #require(BadInputGolden.records.first { $0.name == "c4_empties" }).text
        let good = (0..<6).map { "This is the sentence number \($0) of a good enough paragraph here." }.joined(separator: "\n")
        let input = "\(root)/ingest/web/\(StageLayout.taskName(0)).jsonl.zst"
        try FileSystem.createDirectory(FileSystem.parent(of: input))
        let writer = try ZstdFileWriter(path: input)
        var line: [UInt8] = []
        for (id, text) in [("web/a", emptied), ("web/b", good), ("web/c", "")] {
            line.removeAll()
            Document(id: id, text: text, source: "web", added: "2024-01-01T00:00:00Z", metadata: [:]).jsonLine(into: &line)
            try writer.write(line)
        }
        try writer.commit()
        let stage = FilterStage(root: root, input: "ingest",
                                sources: [FilterSource(name: "web", filters: [C4QualityFilter()])], tasks: 1, writeExcluded: true)
        let stats = try stage.run(task: 0, log: TaskLog(task: 0), progress: ProgressCounters())
        let counts = try #require(stats.sources["web"])
        #expect(counts.documents == 1)
        #expect(counts.skipped["c4_quality/too_few_sentences"] == 2)
        var excluded: [Document] = []
        try ZstdLineReader.forEachLine(path: stage.excludedPath(source: "web", task: 0)) { raw in
            guard case .line(let bytes, _) = raw, !bytes.isEmpty else { return }
            excluded.append(try JSONDecoder().decode(Document.self, from: Data(bytes)))
        }
        #expect(excluded.map(\.id) == ["web/a", "web/c"])
        #expect(excluded.first?.text == emptied)  // the original text, not the emptied one
        #expect(excluded.first?.metadata["filter_reason"] == .string("too_few_sentences"))
        var kept: [Document] = []
        try ZstdLineReader.forEachLine(path: stage.outputPath(source: "web", task: 0)) { raw in
            guard case .line(let bytes, _) = raw, !bytes.isEmpty else { return }
            kept.append(try JSONDecoder().decode(Document.self, from: Data(bytes)))
        }
        #expect(kept.map(\.id) == ["web/b"])
        #expect(kept.allSatisfy { !$0.text.isEmpty })
    }
}
