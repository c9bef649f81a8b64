import Foundation
import Shards
import Tokenization

/// The baseline a trained model must beat: each token's frequency among the targets of a train split
/// (add-one smoothed over the vocabulary), scored on a val split exactly as `Evaluator` scores a model
/// (the same samples, context limit and loss mask). A model that has learnt nothing but the token
/// distribution reaches this loss; "it learned" is the distance below it.
public struct UnigramBaseline: Sendable {
    /// Negative log-probability of each id, in nats.
    public let surprisal: [Double]
    public let trainTokens: Int

    /// Counts the targets of every sample of `train` (a packed split).
    public init(train directory: String, vocabulary: Int, context: Int) throws {
        let reader = try ShardReader(directory: directory)
        var counts = [Int](repeating: 1, count: vocabulary)
        var total = vocabulary
        for index in 0..<reader.sampleCount {
            let sample = try reader.sample(at: index)
            try Evaluator.forEachTarget(of: sample, index: index, context: context, vocabulary: vocabulary,
                                        data: directory) { _, target in
                counts[Int(target)] += 1
                total += 1
            }
        }
        surprisal = counts.map { log(Double(total) / Double($0)) }
        trainTokens = total - vocabulary
    }

    /// The baseline's loss, perplexity and bits per byte on `data`.
    public func evaluate(data directory: String, tokenizer: BPETokenizer?, context: Int,
                         maxSamples: Int? = nil) throws -> EvaluationResult {
        let reader = try ShardReader(directory: directory)
        let count = min(reader.sampleCount, maxSamples ?? .max)
        let byteLengths = tokenizer.map(Evaluator.tokenByteLengths)
        var lossSum = 0.0, counted = 0, bytes = 0
        for index in 0..<count {
            try Evaluator.forEachTarget(of: try reader.sample(at: index), index: index, context: context,
                                        vocabulary: surprisal.count, data: directory) { _, target in
                lossSum += surprisal[Int(target)]
                counted += 1
                if let byteLengths { bytes += byteLengths[Int(target)] }
            }
        }
        return EvaluationResult(lossSum: lossSum, counted: counted, bytes: byteLengths == nil ? nil : bytes,
                                data: directory, samples: count, seconds: 0)
    }
}
