import Foundation
import Testing
@testable import Curation

/// datatrove's PIIFormatter run over a sequence of documents with one formatter, made by
/// `Benchmarks/datatrove/make_pii_cycle_golden.py`: the replacement lists cycle across documents.
struct PIICycleGolden: Decodable {
    struct Config: Decodable {
        var onlyRemovePublicIps: Bool?
        var emailReplacement: Replacements?
        var ipReplacement: Replacements?

        enum CodingKeys: String, CodingKey {
            case onlyRemovePublicIps = "only_remove_public_ips"
            case emailReplacement = "email_replacement"
            case ipReplacement = "ip_replacement"
        }
    }

    /// datatrove takes a tuple of strings or one string.
    struct Replacements: Decodable {
        var list: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let one = try? container.decode(String.self) { list = [one] } else { list = try container.decode([String].self) }
        }
    }

    struct Document: Decodable {
        var text: String
        var formatted: String
    }

    struct Run: Decodable {
        var config: Config
        var documents: [Document]

        var formatterConfig: PIIFormatterConfig {
            var result = PIIFormatterConfig()
            if let value = config.onlyRemovePublicIps { result.onlyRemovePublicIps = value }
            if let value = config.emailReplacement { result.emailReplacement = value.list }
            if let value = config.ipReplacement { result.ipReplacement = value.list }
            return result
        }
    }

    var runs: [Run]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pii-cycle-golden.json")

    static func load() throws -> PIICycleGolden {
        try JSONDecoder().decode(PIICycleGolden.self, from: Data(contentsOf: url))
    }
}

@Suite("PII replacement cycles across a task's documents")
struct PIICycleTests {
    /// Python `str` equality: the same scalars (Swift's `==` would also accept canonical equivalents).
    func same(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }

    /// Formats the documents in order with one filter instance, as a task does.
    func formatInOrder(_ filter: any DocumentFilter, _ documents: [PIICycleGolden.Document]) -> [String] {
        documents.map { document in
            var text = document.text
            #expect(filter.apply(to: &text) == .keep)
            return text
        }
    }

    @Test("one formatter over a sequence matches datatrove's one formatter, for each configuration")
    func matchesDatatrove() throws {
        let golden = try PIICycleGolden.load()
        #expect(golden.runs.count == 3)
        for run in golden.runs {
            let got = formatInOrder(PIIFormatter(config: run.formatterConfig), run.documents)
            for (index, document) in run.documents.enumerated() {
                #expect(same(got[index], document.formatted), "document \(index): got \(got[index]) want \(document.formatted)")
            }
        }
    }

    @Test("the cycle really runs across documents: a fresh formatter per document would differ")
    func cycleCarriesOver() throws {
        let golden = try PIICycleGolden.load()
        let run = golden.runs[0]
        let fresh = run.documents.map { PIIFormatter(config: run.formatterConfig).format($0.text) }
        #expect(zip(fresh, run.documents).contains { !same($0, $1.formatted) })
    }

    @Test("forTask() restarts the cycles; the instance it came from keeps its own")
    func forTaskRestarts() throws {
        let golden = try PIICycleGolden.load()
        let run = golden.runs[0]
        let first = PIIFormatter(config: run.formatterConfig)
        _ = formatInOrder(first, Array(run.documents.prefix(5)))
        let second = first.forTask()
        let got = formatInOrder(second, run.documents)
        #expect(got.elementsEqual(run.documents.map(\.formatted), by: same))
        // `first` continues where it stopped: the sixth document onwards as datatrove formatted them.
        let rest = formatInOrder(first, Array(run.documents.dropFirst(5)))
        #expect(rest.elementsEqual(run.documents.dropFirst(5).map(\.formatted), by: same))
    }
}
