import Foundation
import PLMModel
import Shards
import Tokenization

/// What `plm eval` measures on a folder of packed shards (a phase's val split).
public struct EvaluationResult: Codable, Sendable, Equatable {
    public var data: String
    public var samples: Int
    /// Targets counted in the loss (all of them, or those under the loss mask).
    public var tokens: Int
    /// UTF-8 bytes those targets decode to; special tokens (`<|endoftext|>`, ...) count 0 bytes. Nil
    /// without a tokenizer.
    public var bytes: Int?
    /// Mean negative log-likelihood per counted target, in nats.
    public var loss: Double
    public var perplexity: Double
    public var bitsPerToken: Double
    /// Total loss in bits over total bytes: comparable across tokenizers. Nil without a tokenizer.
    public var bitsPerByte: Double?
    public var seconds: Double
    public var tokensPerSecond: Double
    /// Exactly-zero feed-forward activations per layer over the evaluated inputs. Nil in results written
    /// before it was measured.
    public var ffnSparsity: FFNSparsity?

    /// The figures of `counted` targets whose losses (nats) sum to `lossSum` and decode to `bytes`.
    init(lossSum: Double, counted: Int, bytes: Int?, data: String, samples: Int, seconds: Double,
         ffnSparsity: FFNSparsity? = nil) {
        let loss = counted > 0 ? lossSum / Double(counted) : .nan
        self.data = data
        self.samples = samples
        self.tokens = counted
        self.bytes = bytes
        self.loss = loss
        self.perplexity = exp(loss)
        self.bitsPerToken = loss / log(2)
        self.bitsPerByte = bytes.flatMap { $0 > 0 ? lossSum / log(2) / Double($0) : nil }
        self.seconds = seconds
        self.tokensPerSecond = Double(counted) / max(seconds, 1e-9)
        self.ffnSparsity = ffnSparsity
    }

    enum CodingKeys: String, CodingKey {
        case data, samples, tokens, bytes, loss, perplexity, seconds
        case bitsPerToken = "bits_per_token", bitsPerByte = "bits_per_byte", tokensPerSecond = "tokens_per_second"
        case ffnSparsity = "ffn_sparsity"
    }
}

/// Loss, perplexity and bits per byte of a model on packed MDS shards. Each sample of seq_len + 1 tokens
/// is one sequence, as the trainer reads it: inputs are its first T tokens, targets the next T, counted
/// where the sample's `loss_mask` (if any) marks the target; attention runs across packed documents as
/// in training. Samples are taken in folder order, so the same data gives the same figure. The feed-forward
/// activations' zeros are counted on the way (`FFNSparsity`), over every input position.
public enum Evaluator {
    public static func evaluate(engine: PLMEngine, data directory: String, tokenizer: BPETokenizer?,
                                maxSamples: Int? = nil) throws -> EvaluationResult {
        let reader = try ShardReader(directory: directory)
        let count = min(reader.sampleCount, maxSamples ?? .max)
        guard count > 0 else {
            throw ModelLoadError(path: directory, message: "holds no samples to evaluate")
        }
        let byteLengths = tokenizer.map(tokenByteLengths)
        let context = engine.config.maxPositionEmbeddings, vocabulary = engine.config.vocabSize
        let cache = engine.makeCache(capacity: min(context, 1024))
        var lossSum = 0.0, counted = 0, bytes = 0
        let previousSparsity = engine.sparsity
        engine.sparsity = FFNSparsity(layers: engine.config.numHiddenLayers)
        defer { engine.sparsity = previousSparsity }
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            let sample = try reader.sample(at: index)
            let t = min(sample.tokens.count - 1, context)
            guard t >= 1 else { continue }
            try checkVocabulary(sample, index: index, vocabulary: vocabulary, data: directory)
            cache.truncate(to: 0)
            var logits = try engine.forward(Array(sample.tokens[0..<t]), cache: cache, output: .allLogits)
            try logits.withUnsafeMutableBufferPointer { rows in
                try forEachTarget(of: sample, index: index, context: context, vocabulary: vocabulary,
                                  data: directory) { i, target in
                    lossSum += negativeLogLikelihood(rows.baseAddress! + i * vocabulary, vocabulary, Int(target))
                    counted += 1
                    if let byteLengths { bytes += byteLengths[Int(target)] }
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return EvaluationResult(lossSum: lossSum, counted: counted, bytes: byteLengths == nil ? nil : bytes,
                                data: directory, samples: count, seconds: seconds, ffnSparsity: engine.sparsity)
    }

    /// The targets a sample contributes, as the trainer reads it: positions 0..<T of its first T + 1
    /// tokens (T at most `context`), each predicting the next token, where the loss mask (if any) marks it.
    static func forEachTarget(of sample: ShardSample, index: Int, context: Int, vocabulary: Int, data: String,
                              _ body: (_ position: Int, _ target: Int32) throws -> Void) throws {
        let t = min(sample.tokens.count - 1, context)
        guard t >= 1 else { return }
        try checkVocabulary(sample, index: index, vocabulary: vocabulary, data: data)
        for i in 0..<t where sample.lossMask.map({ $0[i + 1] != 0 }) ?? true {
            try body(i, sample.tokens[i + 1])
        }
    }

    static func checkVocabulary(_ sample: ShardSample, index: Int, vocabulary: Int, data: String) throws {
        if let bad = sample.tokens.first(where: { $0 < 0 || Int($0) >= vocabulary }) {
            throw ModelLoadError(path: data, message: "sample \(index) holds token \(bad), outside the "
                + "model's vocabulary of \(vocabulary): the shards were packed with another tokenizer")
        }
    }

    /// logsumexp(row) - row[target], in Double; the row is overwritten.
    static func negativeLogLikelihood(_ row: UnsafeMutablePointer<Float>, _ count: Int, _ target: Int) -> Double {
        let targetLogit = Double(row[target])
        let m = VectorKernels.maximum(row, count)
        let sum = VectorKernels.expShifted(row, count, shift: m)
        return Double(m) + log(Double(sum)) - targetLogit
    }

    /// UTF-8 bytes each id stands for; added special tokens mark structure, not text, and count 0.
    static func tokenByteLengths(_ tokenizer: BPETokenizer) -> [Int] {
        let special = Set(tokenizer.model.addedTokens.filter(\.special).map(\.id))
        var bytes: [UInt8] = []
        return (0..<tokenizer.vocabularySize).map { id in
            guard !special.contains(id) else { return 0 }
            bytes.removeAll(keepingCapacity: true)
            tokenizer.appendBytes(of: Int32(id), to: &bytes)
            return bytes.count
        }
    }
}
