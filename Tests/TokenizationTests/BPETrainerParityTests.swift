import Testing
@testable import Tokenization

/// Training on the committed corpus gives exactly the vocabulary and merges Hugging Face tokenizers
/// 0.23.3 gives (Fixtures/train-golden.json, made by Benchmarks/tokenizers/train_golden.py), from raw
/// documents through the pre-tokenizer and the word counter to the merges.
@Suite struct BPETrainerParityTests {
    struct Corpus: Decodable {
        var documents: [String]
    }

    struct Golden: Decodable {
        var hf_tokenizers: String
        var documents: Int
        var cases: [Case]
    }

    struct Case: Decodable, CustomTestStringConvertible {
        var name: String
        var preset: String
        var vocab_size: Int
        var min_frequency: Int
        var special_tokens: [String]
        var full_alphabet: Bool
        var tokens: [String]
        var merges: [[String]]

        var testDescription: String { name }
    }

    static let cases: [Case] = (try? FixtureFiles.decode(Golden.self, from: "train-golden.json").cases) ?? []

    @Test func goldenIsPresent() throws {
        let golden = try FixtureFiles.decode(Golden.self, from: "train-golden.json")
        #expect(golden.hf_tokenizers == "0.23.3")
        #expect(golden.cases.count == 4)
        let corpus = try FixtureFiles.decode(Corpus.self, from: "train-corpus.json")
        #expect(corpus.documents.count == golden.documents)
    }

    @Test(arguments: cases)
    func mergesAndVocabularyMatchHuggingFace(_ golden: Case) throws {
        let corpus = try FixtureFiles.decode(Corpus.self, from: "train-corpus.json")
        let preset = try #require(SplitPreset(rawValue: golden.preset))
        // Two workers and small batches, so the parallel counting and the merge of tables run too.
        let counter = WordCounter(preset: preset, workers: 2)
        var start = 0
        while start < corpus.documents.count {
            counter.add(Array(corpus.documents[start..<min(start + 50, corpus.documents.count)]))
            start += 50
        }
        let options = BPETrainer.Options(vocabSize: golden.vocab_size, minFrequency: golden.min_frequency,
                                         specialTokens: golden.special_tokens, preset: preset,
                                         fullByteAlphabet: golden.full_alphabet)
        let model = try BPETrainer(options: options).train(counter.finish())
        let merges = model.merges.map { [$0.left, $0.right] }
        if let index = merges.indices.first(where: { $0 < golden.merges.count && merges[$0] != golden.merges[$0] }) {
            Issue.record("merge \(index) differs: ours \(merges[index]), HF \(golden.merges[index])")
        }
        #expect(merges.count == golden.merges.count)
        if let index = model.tokens.indices.first(where: { $0 < golden.tokens.count && model.tokens[$0] != golden.tokens[$0] }) {
            Issue.record("token \(index) differs: ours \(model.tokens[index]), HF \(golden.tokens[index])")
        }
        #expect(model.tokens.count == golden.tokens.count)
        #expect(model.splitPattern == preset.pattern)
    }
}
