import Foundation
import Testing
import Curation

@Test func gopherThroughputTemp() throws {
    struct R: Decodable { var text: String; var real: Bool? }
    struct G: Decodable { var records: [R] }
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/gopher-golden.json")
    let path = ProcessInfo.processInfo.environment["GOPHER_BENCH"] ?? url.path
    let texts = try JSONDecoder().decode(G.self, from: Data(contentsOf: URL(fileURLWithPath: path))).records.filter { $0.real == true }.map(\.text)
    let bytes = texts.reduce(0) { $0 + $1.utf8.count }
    let tokenizer = WhitespaceWordTokenizer()
    let filters: [(String, any DocumentFilter)] = [("quality", GopherQualityFilter(tokenizer: tokenizer)), ("repetition", GopherRepetitionFilter(tokenizer: tokenizer))]
    var report = "docs \(texts.count) bytes \(bytes)\n"
    for (name, filter) in filters {
        var best = Double.infinity
        for _ in 0..<5 {
            let clock = ContinuousClock()
            var keeps = 0
            let elapsed = clock.measure {
                for _ in 0..<10 { for t in texts { var c = t; if filter.apply(to: &c) == .keep { keeps += 1 } } }
            }
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = min(best, s / 10)
            _ = keeps
        }
        report += "\(name): \(Double(bytes) / best / 1e6) MB/s\n"
    }
    var best = Double.infinity
    for _ in 0..<5 {
        let clock = ContinuousClock()
        var n = 0
        let elapsed = clock.measure { for _ in 0..<10 { for t in texts { n += tokenizer.words(t).count } } }
        best = min(best, (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) / 10)
    }
    report += "tokenizer alone: \(Double(bytes) / best / 1e6) MB/s\n"
    print(report)
}
