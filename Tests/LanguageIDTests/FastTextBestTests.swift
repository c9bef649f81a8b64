import Foundation
import Testing
@testable import LanguageID

/// The language filter's fast path (`FastTextModel.best`) against the exact one (`predict`).
@Suite struct FastTextBestTests {
    /// The softmax fixture's dictionary (word vocabulary, word bigrams) with seeded 16-column matrices of
    /// larger weights than training makes, so that many texts have close and far labels alike.
    static func sixteenColumnModel() throws -> FastTextModel {
        let fixture = try FastTextFile.read(path: FastTextGolden.fixtures + "/fasttext-softmax.bin")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 250_000   // in [-4, 4]
        }
        let inputRows = fixture.input.rows, labels = fixture.output.rows
        let input = DenseRows(rows: inputRows, columns: 16, values: (0..<inputRows * 16).map { _ in random() / 16 })
        let output = DenseRows(rows: labels, columns: 16, values: (0..<labels * 16).map { _ in random() })
        var args = fixture.args
        args.dim = 16
        return FastTextModel(args: args, dictionary: fixture.dictionary, input: .dense(input), output: .dense(output))
    }

    @Test func bestIsPredictsFirstAnswer() throws {
        let model = try Self.sixteenColumnModel()
        let texts = try FastTextGolden.load().texts
        var scratch = FastTextModel.Scratch()
        var largest: Float = 0
        for text in texts {
            var copy = text
            let exact = model.predict(text, k: 1, scratch: &scratch).first
            let fast = copy.withUTF8 { model.best(bytes: $0, scratch: &scratch) }
            #expect(fast?.label == exact?.label, "\(text.prefix(40))")
            if let fast, let exact { largest = max(largest, abs(fast.probability - exact.probability)) }
        }
        #expect(largest < 2e-6, "largest probability difference \(largest)")
    }

    /// `best` adds each word's rows as one vector, whether found in the scratch's word cache or not: the same
    /// text gets the same answer, to the bit, with a fresh scratch, after every other text, and with a cache
    /// of one slot (every word evicts the last).
    @Test func bestDoesNotDependOnTheWordCache() throws {
        let model = try Self.sixteenColumnModel()
        let texts = try FastTextGolden.load().texts
        var shared = FastTextModel.Scratch()
        var tiny = FastTextModel.Scratch(wordSumSlots: 1)
        for text in texts + texts.reversed() {
            var copy = text
            var fresh = FastTextModel.Scratch()
            let alone = copy.withUTF8 { model.best(bytes: $0, scratch: &fresh) }
            let afterOthers = copy.withUTF8 { model.best(bytes: $0, scratch: &shared) }
            let evicting = copy.withUTF8 { model.best(bytes: $0, scratch: &tiny) }
            #expect(alone == afterOthers && alone == evicting, "\(text.prefix(40))")
        }
        // Words repeat within and across texts: the cache was used, not bypassed.
        #expect((shared.wordSums?.hits ?? 0) > texts.count)
    }

    @Test func otherLossesFallBackToTheExactPath() throws {
        let texts = try FastTextGolden.load().texts
        for file in ["fasttext-hs.ftz", "fasttext-ova.bin"] {
            let model = try FastTextFile.read(path: FastTextGolden.fixtures + "/" + file)
            var scratch = FastTextModel.Scratch()
            for text in texts.prefix(30) {
                var copy = text
                let fast = copy.withUTF8 { model.best(bytes: $0, scratch: &scratch) }
                #expect(fast == model.predict(text, k: 1, scratch: &scratch).first)
            }
        }
    }

    @Test func fastExpIsWithinOneMillionthOfExp() {
        var worst = 0.0
        var x: Float = -87
        while x <= 0 {
            let values = SIMD8<Float>((0..<8).map { x + Float($0) * 1e-3 })
            let fast = FastExp.exp(values)
            for lane in 0..<8 {
                let exact = Foundation.exp(Double(values[lane]))
                worst = max(worst, abs(Double(fast[lane]) - exact) / exact)
            }
            x += 0.0137
        }
        #expect(worst < 1e-6, "relative error \(worst)")
        let edges = FastExp.exp(SIMD8<Float>(0, -.infinity, -200, .nan, -1e-30, -0.5, -86.9, -87.1))
        #expect(edges[0] == 1 && edges[1] < 1e-37 && edges[2] < 1e-37 && edges[3].isNaN && edges[4] == 1)
    }
}
