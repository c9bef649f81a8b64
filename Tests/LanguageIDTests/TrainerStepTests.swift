import CorpusIO
import Testing
@testable import LanguageID

/// `LanguageTrainer.update`'s vector loops (a `dim` that is a multiple of eight) against fastText's scalar
/// loops, written out here: the same weights to the bit after many steps, rows repeated within a step too.
@Suite struct TrainerStepTests {
    /// fastText's `Model::update` for the softmax loss, one element at a time.
    static func scalarUpdate(rows: [Int32], target: Int, rate: Float, dim: Int, input: inout [Float], output: inout [Float]) {
        let labels = output.count / dim
        var hidden = [Float](repeating: 0, count: dim)
        var gradient = [Float](repeating: 0, count: dim)
        for row in rows { for j in 0..<dim { hidden[j] += input[Int(row) * dim + j] } }
        let scale = 1 / Float(rows.count)
        for j in 0..<dim { hidden[j] *= scale }
        var scores = (0..<labels).map { label -> Float in
            var sum: Float = 0
            for j in 0..<dim { sum += output[label * dim + j] * hidden[j] }
            return sum
        }
        scores.withUnsafeMutableBufferPointer { FastTextModel.softmax($0) }
        for label in 0..<labels {
            let alpha = rate * ((label == target ? 1 : 0) - scores[label])
            for j in 0..<dim {
                gradient[j] += alpha * output[label * dim + j]
                output[label * dim + j] += alpha * hidden[j]
            }
        }
        for j in 0..<dim { gradient[j] *= scale }
        for row in rows { for j in 0..<dim { input[Int(row) * dim + j] += gradient[j] } }
    }

    @Test(arguments: [8, 16, 24])
    func vectorStepsMatchFastTextsScalarOnesBitForBit(dim: Int) {
        let inputRows = 50, labels = 7
        var random = SeededRandom(seed: UInt64(dim))
        let input = (0..<inputRows * dim).map { _ in Float(random.unit()) * 2 - 1 }
        let output = (0..<labels * dim).map { _ in Float(random.unit()) - 0.5 }
        var vectorInput = input, vectorOutput = output
        var scalarInput = input, scalarOutput = output
        var hidden = [Float](repeating: 0, count: dim), gradient = hidden
        var scores = [Float](repeating: 0, count: labels)
        for step in 0..<200 {
            // 1 to 12 rows, with repeats: a text can hold the same n-gram twice.
            let rows = (0..<(1 + Int(random.next() % 12))).map { _ in Int32(random.next() % UInt64(inputRows)) }
            let target = Int(random.next() % UInt64(labels))
            let rate = 0.5 * (1 - Float(step) / 200)
            LanguageTrainer.update(rows: rows, target: target, rate: rate, dim: dim, input: &vectorInput,
                                   output: &vectorOutput, hidden: &hidden, gradient: &gradient, scores: &scores)
            Self.scalarUpdate(rows: rows, target: target, rate: rate, dim: dim, input: &scalarInput, output: &scalarOutput)
        }
        #expect(vectorInput.map(\.bitPattern) == scalarInput.map(\.bitPattern))
        #expect(vectorOutput.map(\.bitPattern) == scalarOutput.map(\.bitPattern))
        #expect(vectorInput != input, "the steps changed the weights")
    }
}
