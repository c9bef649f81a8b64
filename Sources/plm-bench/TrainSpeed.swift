import ArgumentParser
import Foundation
import PLMModel

/// Training speed of the Swift PLM (forward + backward + AdamW step) on plm-tiny and plm-small, beside
/// the peak of the same BLAS measured in the same run. PyTorch's figures come from
/// Benchmarks/torch/train_speed.py with the same shapes and threads.
struct TrainSpeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-speed", abstract: "Training tokens/s, GFLOP/s, MFU and memory of plm-tiny and plm-small.")

    @Option(help: "Worker threads (elementwise work and BLAS).")
    var threads = 2

    @Option(help: "Timed steps per model (after one untimed warm-up step).")
    var steps = 4

    @Option(help: "Models to run, comma-separated: tiny, small.")
    var models = "tiny,small"

    func run() throws {
        print("BLAS kernel: \(BLAS.coreName); threads: \(threads); \(BLAS.configuration)")
        if let warning = BLAS.kernelWarning { print("warning: \(warning)") }
        for name in models.split(separator: ",") {
            let (config, batch, sequence) = name == "small" ? (PLMConfig.plmSmall, 4, 256) : (PLMConfig.plmTiny, 8, 256)
            // The ceiling: the best sgemm of squares and of this model's own shapes, before and after the
            // run (a machine that slowed or sped up during it does not make MFU pass 100%).
            let before = SgemmPeak.measure(threads: threads, config: config, rows: batch * sequence)
            let result = TrainSpeedMeasure.run(config: config, batchSize: batch, sequenceLength: sequence,
                                               threads: threads, steps: steps)
            let peak = max(before, SgemmPeak.measure(threads: threads, config: config, rows: batch * sequence))
            print(String(format: "sgemm peak (1024^3, 2048^3 and plm-%@'s shapes, best of 3 each, before and after): "
                + "%.1f GFLOP/s", String(name), peak))
            let gflops = result.flopsPerToken * result.tokensPerSecond / 1e9
            print("plm-\(name) (\(config.parameterCount) params) B=\(batch) T=\(sequence): "
                + String(format: "%.0f tok/s, %.1f GFLOP/s, MFU %.1f%% of the measured sgemm peak",
                         result.tokensPerSecond, gflops, 100 * gflops / peak))
            print(String(format: "  forward+backward %.1f ms, AdamW %.1f ms per step; %.3f MFLOP/token", result.modelMs,
                         result.optimizerMs, result.flopsPerToken / 1e6))
            let stateBytes = 16 * config.parameterCount
            print(String(format: "  memory: 16 B/param x %d = %.1f MiB (params, grads, 2 moments) + activations %.1f MiB"
                + " = %.1f MiB; peak RSS so far %.1f MiB", config.parameterCount, Double(stateBytes) / 1_048_576,
                Double(result.activationBytes) / 1_048_576, Double(stateBytes + result.activationBytes) / 1_048_576,
                Double(TrainSpeedMeasure.peakResidentBytes()) / 1_048_576))
        }
        print("FLOP/token = 6 * (matrix parameters, the tied head counted once) + 6 * L * H * T * (qk + v) "
            + "(attention over the full T x T, PaLM's convention; the causal blocks of 64 query rows compute "
            + "about 5/8 of it at T = 256)")
    }
}
