import Foundation
import PLMModel

/// The measurements behind `plm-bench train-speed`.
enum TrainSpeedMeasure {
    struct Result {
        var tokensPerSecond: Double
        var flopsPerToken: Double
        var modelMs: Double
        var optimizerMs: Double
        var activationBytes: Int
    }

    /// GFLOP/s of the best of three n x n x n sgemm calls.
    /// Training FLOPs per token: 6 per matrix parameter (the embedding counts once, as the output head;
    /// its lookup costs nothing) plus attention's two T x T products per head, forward and backward.
    static func flopsPerToken(_ c: PLMConfig, sequenceLength t: Int) -> Double {
        let layout = ParameterLayout(config: c)
        let matrixParameters = layout.tensors.filter { !$0.isNorm }.reduce(0) { $0 + $1.count }
        let attention = 6 * c.numHiddenLayers * c.numAttentionHeads * t * (c.qkHeadDim + c.vHeadDim)
        return Double(6 * matrixParameters + attention)
    }

    static func run(config: PLMConfig, batchSize: Int, sequenceLength: Int, threads: Int, steps: Int) -> Result {
        let model = PLMTransformer(config: config, seed: 1, options: ModelOptions(threads: threads))
        let optimizer = AdamW(layout: model.layout)
        var state: UInt64 = 12345
        let tokens = (0..<(batchSize * (sequenceLength + 1))).map { _ -> Int32 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int32((state >> 33) % UInt64(config.vocabSize))
        }
        let batch = TokenBatch(batchSize: batchSize, sequenceLength: sequenceLength,
                               inputs: Array(tokens[0..<(batchSize * sequenceLength)]),
                               targets: Array(tokens[1...(batchSize * sequenceLength)]))
        var modelSeconds = 0.0, optimizerSeconds = 0.0
        for step in 0...steps {
            let start = DispatchTime.now().uptimeNanoseconds
            model.zeroGradients()
            _ = model.forwardBackward(batch, gradientScale: 1 / Float(batch.countedTargets))
            let middle = DispatchTime.now().uptimeNanoseconds
            optimizer.update(parameters: model.parameters, gradients: model.gradients, learningRate: 1e-4)
            let end = DispatchTime.now().uptimeNanoseconds
            if step > 0 {       // step 0 warms up (arena allocation, page faults, BLAS buffers)
                modelSeconds += Double(middle - start) / 1e9
                optimizerSeconds += Double(end - middle) / 1e9
            }
        }
        let total = modelSeconds + optimizerSeconds
        return Result(tokensPerSecond: Double(steps * batchSize * sequenceLength) / total,
                      flopsPerToken: flopsPerToken(config, sequenceLength: sequenceLength),
                      modelMs: 1000 * modelSeconds / Double(steps), optimizerMs: 1000 * optimizerSeconds / Double(steps),
                      activationBytes: model.activationBytes)
    }

    /// The process's peak resident set (VmHWM), 0 where /proc is missing.
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
