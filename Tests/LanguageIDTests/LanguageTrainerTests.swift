import CorpusIO
import Foundation
import Testing
@testable import LanguageID

@Suite("the built-in classifier")
struct LanguageTrainerTests {
    /// Clearly labelled sentences: three languages with their own function words and letters.
    static func texts() -> [LabelledText] {
        let words = [
            "en": ["the", "file", "could", "not", "be", "opened", "because", "of", "an", "error", "with", "window", "and"],
            "de": ["die", "Datei", "konnte", "nicht", "geöffnet", "werden", "weil", "ein", "Fehler", "mit", "Fenster", "und"],
            "fr": ["le", "fichier", "ne", "pouvait", "pas", "être", "ouvert", "à", "cause", "d'une", "erreur", "fenêtre", "et"],
        ]
        var random = SeededRandom(seed: 7)
        var texts: [LabelledText] = []
        for (label, vocabulary) in words.sorted(by: { $0.key < $1.key }) {
            for index in 0..<150 {
                let sentence = (0..<6).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }
                texts.append(LabelledText(label: label, package: "p\(index % 10)", text: sentence.joined(separator: " ")))
            }
        }
        return texts
    }

    static func smallOptions() -> LanguageTrainerOptions {
        var options = LanguageTrainerOptions()
        options.buckets = 5_000
        options.dim = 8
        options.epochs = 10
        options.minTextsPerLanguage = 10
        return options
    }

    @Test("tells clearly labelled text apart, and the written file predicts the same in fastText's format")
    func trainsAndRoundTrips() throws {
        let model = LanguageTrainer(options: Self.smallOptions()).train(Self.texts())
        #expect(Set(model.labels) == ["en", "de", "fr"])
        var scratch = FastTextModel.Scratch()
        let cases = [("the window could not be opened", "en"), ("die Datei konnte nicht geöffnet werden", "de"),
                     ("le fichier ne pouvait pas être ouvert", "fr")]
        for (text, label) in cases {
            let best = try #require(model.predict(text, k: 1, scratch: &scratch).first)
            #expect(best.label == label)
            #expect(best.probability > 0.8)
        }
        let reread = try FastTextFile.parse(FastTextWriter.bytes(of: model), path: "ours.bin")
        for (text, _) in cases {
            #expect(reread.predict(text, k: -1) == model.predict(text, k: -1))
        }
    }

    @Test("the same texts and seed give the same bytes")
    func deterministic() {
        let texts = Self.texts()
        let first = FastTextWriter.bytes(of: LanguageTrainer(options: Self.smallOptions()).train(texts))
        let second = FastTextWriter.bytes(of: LanguageTrainer(options: Self.smallOptions()).train(texts))
        #expect(first == second)
    }

    @Test("the split keeps each package on one side, by its name alone")
    func splitByPackage() {
        let split = PackageSplit(testPerMille: 300, seed: 1)
        let texts = (0..<400).map { LabelledText(label: ["en", "de"][$0 % 2], package: "pkg\($0 % 40)", text: "t\($0)") }
        let (train, test) = split.split(texts)
        #expect(Set(train.map(\.package)).isDisjoint(with: Set(test.map(\.package))))
        #expect(train.count + test.count == texts.count)
        #expect(!test.isEmpty && !train.isEmpty)
        // Packages coming or going do not move the others.
        let fewer = split.split(texts.filter { $0.package != "pkg3" })
        #expect(Set(fewer.test.map(\.package)) == Set(test.map(\.package)).subtracting(["pkg3"]))
    }

    @Test("joined evaluation texts stay within one package and language; the cap spreads over packages")
    func evaluationTexts() {
        let texts = (0..<23).map { LabelledText(label: "en", package: "p\($0 % 2)", text: "m\($0)") }
        let joined = EvaluationTexts.joined(texts, count: 5)
        #expect(joined.count == 4)
        #expect(joined[0].text == "m0 m2 m4 m6 m8" && joined[0].package == "p0")
        let capped = EvaluationTexts.capped(texts, perLabel: 10)
        #expect(capped.count == 10)
        #expect(Set(capped.map(\.package)) == ["p0", "p1"])
    }
}

@Suite("bucket remainders")
struct BucketModulusTests {
    @Test("the remainder without division equals %", arguments: [1, 2, 3, 7, 1_000, 200_000, 2_000_000, 4_294_967_295] as [UInt32])
    func remainder(divisor: UInt32) {
        let modulus = BucketModulus(divisor)
        var random = SeededRandom(seed: UInt64(divisor))
        for _ in 0..<20_000 {
            let h = UInt32(truncatingIfNeeded: random.next())
            #expect(modulus.remainder(h) == h % divisor)
        }
        for h in [0, 1, divisor &- 1, divisor, UInt32.max, UInt32.max - 1] as [UInt32] {
            #expect(modulus.remainder(h) == h % divisor)
        }
    }
}
