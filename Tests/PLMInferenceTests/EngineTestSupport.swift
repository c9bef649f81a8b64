@testable import PLMInference
import PLMModel

/// Small models for the engine's tests, with parameters spread wide enough that logits differ clearly
/// between tokens (the trainer's N(0, 0.02) start makes them nearly uniform).
enum EngineTestSupport {
    /// Every matrix has rows of a multiple of 32 values, so q8_0 applies to all of them.
    static let config = PLMConfig(
        hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, kvLoraRank: 32, qkNopeHeadDim: 16,
        qkRopeHeadDim: 8, vHeadDim: 16, intermediateSize: 128, vocabSize: 96, maxPositionEmbeddings: 64,
        ropeTheta: 10_000)

    static func model(_ config: PLMConfig = config, seed: UInt64 = 7, threads: Int = 2) -> PLMTransformer {
        let model = PLMTransformer(config: config, seed: seed, options: ModelOptions(threads: threads))
        SeededWeights(config: config, seed: seed).fill(model)
        return model
    }

    /// A fixed pseudo-random token sequence.
    static func tokens(_ count: Int, vocab: Int = config.vocabSize, seed: UInt64 = 3) -> [Int32] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int32((state >> 33) % UInt64(vocab))
        }
    }

    /// The trainer's logits for one sequence, (T, V).
    static func trainerLogits(_ model: PLMTransformer, _ tokens: [Int32]) -> [Float] {
        model.logits(TokenBatch(batchSize: 1, sequenceLength: tokens.count, inputs: tokens, targets: tokens))
    }

    /// max |a - b| over max |b|: the difference beside the logit scale.
    static func relativeDifference(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        precondition(a.count == b.count)
        var difference: Float = 0, scale: Float = 0
        for (x, y) in zip(a, b) {
            difference = max(difference, abs(x - y))
            scale = max(scale, abs(y))
        }
        return difference / max(scale, 1e-30)
    }
}
