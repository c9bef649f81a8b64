import Foundation
import Testing
@testable import Tokenization

/// The scanners against Hugging Face tokenizers' regex split (goldens from
/// Benchmarks/tokenizers/make_pretokenizer_golden.py).
@Suite struct PreTokenizerGoldenTests {
    struct Golden: Decodable {
        struct Case: Decodable {
            var text: String
            var pieces: [String]
        }
        var preset: String
        var pattern: String
        var cases: [Case]
    }

    @Test(arguments: SplitPreset.allCases)
    func piecesMatchHuggingFace(preset: SplitPreset) throws {
        let golden = try FixtureFiles.decode(Golden.self, from: "pretokenize_\(preset.rawValue).json")
        #expect(golden.pattern == preset.pattern)
        #expect(golden.cases.count > 500)
        let tokenizer = PreTokenizer(preset: preset)
        var mismatches = 0
        for golden in golden.cases {
            let pieces = tokenizer.pieces(golden.text)
            if pieces != golden.pieces {
                mismatches += 1
                Issue.record("\(preset) \(golden.text.debugDescription): \(pieces) != HF \(golden.pieces)")
                if mismatches > 10 { return }
            }
        }
    }

    /// Every scalar's class (letter, number, whitespace, other) as HF's regex engine sees it.
    @Test func scalarClassesMatchHuggingFace() throws {
        let text = String(decoding: try FixtureFiles.data("scalar_classes_hf.txt"), as: UTF8.self)
        var expected = [UInt8](repeating: ScalarClass.other, count: 0x110000)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let first = try #require(Int(fields[0], radix: 16)), last = try #require(Int(fields[1], radix: 16))
            let cls: UInt8 = fields[2] == "L" ? ScalarClass.letter : fields[2] == "N" ? ScalarClass.number : ScalarClass.space
            for value in first...last { expected[value] = cls }
        }
        let table = ScalarClassTable.shared
        var mismatchCount = 0
        var firstMismatches = ""
        for value in 0..<0x110000 where !(0xD800...0xDFFF).contains(value) {
            let ours = table.of(UInt32(value))
            if ours != expected[value] {
                mismatchCount += 1
                if mismatchCount <= 10 { firstMismatches += " U+\(String(value, radix: 16, uppercase: true)): ours \(ours), HF \(expected[value])" }
            }
        }
        #expect(mismatchCount == 0, "first differences:\(firstMismatches)")
    }
}
