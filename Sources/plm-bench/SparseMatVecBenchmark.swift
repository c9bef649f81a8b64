import ArgumentParser
import Foundation
import PLMInference

/// The down projection alone: the dense product against the sparse one (`SparseDownProjection`) at a
/// given share of zero activations, per weight type and thread count, in microseconds per call.
struct SparseMatVecBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparse-matvec", abstract: "down_proj dense against sparse, microseconds per token.")

    @Option var outputs = 512
    @Option var inputs = 2048
    @Option(help: "Share of zero activations.") var zeros = 0.775
    @Option var repeats = 2000
    @Option(help: "Matrices cycled through, so that weights come from memory as in a model's layers (16: 32 MB in f16).")
    var copies = 16

    func run() throws {
        var state: UInt64 = 1
        func uniform() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        let values = (0..<(outputs * inputs)).map { _ in uniform() * 0.05 }
        let activations = (0..<inputs).map { _ -> Float in let u = uniform(); return (u + 1) / 2 < Float(zeros) ? 0 : u * u }
        print("down_proj \(outputs) x \(inputs), \(String(format: "%.1f", 100 * zeros))% zeros, \(copies) copies cycled; kernels "
            + "\(MatVec.kernelName); µs per call")
        print("type  threads  dense    sparse   ratio")
        for type in WeightType.allCases {
            let denses = (0..<copies).map { _ in values.withUnsafeBufferPointer {
                WeightMatrix.converting($0.baseAddress!, rows: outputs, columns: inputs, to: type, threads: 2)
            } }
            let sparses = denses.map { SparseDownProjection(transposing: $0, threads: 2) }
            var turn = 0
            var y = [Float](repeating: 0, count: outputs)
            var indices = [Int32](repeating: 0, count: inputs), coefficients = [Float](repeating: 0, count: inputs)
            for threads in [1, 2] {
                func time(_ body: () -> Void) -> Double {
                    for _ in 0..<(repeats / 10) { body() }
                    let start = DispatchTime.now().uptimeNanoseconds
                    for _ in 0..<repeats { body() }
                    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(repeats)
                }
                let d = time {
                    turn = (turn + 1) % copies
                    MatVec.multiply(denses[turn], x: activations, into: &y, threads: threads)
                }
                let s = time {
                    turn = (turn + 1) % copies
                    sparses[turn].accumulate(activations, into: &y, indices: &indices, coefficients: &coefficients, threads: threads)
                }
                print("\(type.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(threads)        "
                    + String(format: "%-8.1f %-8.1f %.2fx", d, s, d / s))
            }
        }
    }
}
