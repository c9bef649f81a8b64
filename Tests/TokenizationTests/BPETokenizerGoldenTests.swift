import Foundation
import Testing
@testable import Tokenization

/// The encoder against Hugging Face tokenizers on three HF-trained files (one per split preset, in
/// our shape, Llama 3's and Qwen2's), goldens from Benchmarks/tokenizers/make_encode_golden.py.
@Suite struct BPETokenizerGoldenTests {
    struct Golden: Decodable {
        struct Case: Decodable {
            var text: String
            var ids: [Int32]
            var ids_without_special: [Int32]
        }
        var preset: String
        var cases: [Case]
    }

    static func tokenizer(_ preset: SplitPreset) throws -> BPETokenizer {
        let data = try FixtureFiles.data("tokenizer_\(preset.rawValue).json")
        return try BPETokenizer(model: TokenizerFileReader.parse(data))
    }

    @Test(arguments: SplitPreset.allCases)
    func idsMatchHuggingFace(preset: SplitPreset) throws {
        let tokenizer = try Self.tokenizer(preset)
        #expect(tokenizer.preset == preset)
        let golden = try FixtureFiles.decode(Golden.self, from: "encode_\(preset.rawValue).json")
        #expect(golden.cases.count >= 20)
        for golden in golden.cases {
            let label = String(golden.text.prefix(40)).debugDescription
            #expect(tokenizer.encode(golden.text, allowSpecial: true) == golden.ids, "\(preset) \(label)")
            #expect(tokenizer.encode(golden.text, allowSpecial: false) == golden.ids_without_special, "\(preset) \(label)")
        }
    }

    @Test(arguments: SplitPreset.allCases)
    func decodingRestoresTheText(preset: SplitPreset) throws {
        let tokenizer = try Self.tokenizer(preset)
        let golden = try FixtureFiles.decode(Golden.self, from: "encode_\(preset.rawValue).json")
        for golden in golden.cases {
            // The Qwen2-style file normalises to NFC first, so that is what comes back.
            let expected = preset == .qwen2 ? golden.text.precomposedStringWithCanonicalMapping : golden.text
            #expect(tokenizer.decode(golden.ids) == expected)
            #expect(tokenizer.decode(golden.ids_without_special) == expected)
        }
    }

    @Test func batchEncodingEqualsOneByOne() throws {
        let tokenizer = try Self.tokenizer(.qwen2)
        let golden = try FixtureFiles.decode(Golden.self, from: "encode_qwen2.json")
        let texts = Array(repeating: golden.cases.map(\.text), count: 8).flatMap { $0 }
        let batch = tokenizer.encodeBatch(texts, allowSpecial: true, workers: 4)
        #expect(batch == texts.map { tokenizer.encode($0, allowSpecial: true) })
        #expect(batch.prefix(golden.cases.count).elementsEqual(golden.cases.map(\.ids)))
    }
}
