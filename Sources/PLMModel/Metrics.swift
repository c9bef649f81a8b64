import CorpusIO
import Foundation

/// What one optimizer step did, as written to `metrics.jsonl` (one JSON object per line).
public struct StepMetrics: Codable, Sendable, Equatable {
    public var step: Int
    public var phase: String?
    /// Mean loss over the step's counted targets (all micro-batches).
    public var loss: Double
    public var lr: Double
    /// Global gradient norm before clipping.
    public var gradNorm: Double
    public var tokens: Int
    public var seconds: Double
    public var tokensPerSecond: Double
    /// Achieved training GFLOP/s (model FLOPs, `TrainingFLOPs`).
    public var gflops: Double
    /// Model FLOPs utilisation against the measured sgemm peak (nil when no peak was measured).
    public var mfu: Double?
    /// Mean validation loss, on steps where it was measured.
    public var valLoss: Double?

    enum CodingKeys: String, CodingKey {
        case step, phase, loss, lr, gradNorm = "grad_norm", tokens, seconds, tokensPerSecond = "tokens_per_s"
        case gflops, mfu, valLoss = "val_loss"
    }
}

/// Model FLOPs of training, the nanoGPT / PaLM count: 6 per parameter of every matrix product per
/// token (forward 2, backward 4; the tied embedding counts once, as the output head, since the input
/// lookup does no arithmetic) plus attention's scores and weighted sum, 6 L H (qk + v) T per token
/// (without halving for the causal mask, as PaLM counts it).
public enum TrainingFLOPs {
    public static func perToken(config c: PLMConfig, sequenceLength t: Int) -> Double {
        let layout = ParameterLayout(config: c)
        let matrices = layout.tensors.filter { !$0.isNorm }.map(\.count).reduce(0, +)
        let attention = 6.0 * Double(c.numHiddenLayers * c.numAttentionHeads * (c.qkHeadDim + c.vHeadDim) * t)
        return 6.0 * Double(matrices) + attention
    }
}

/// Measures the sgemm speed this BLAS reaches on this machine with a given thread count, the peak MFU
/// is reported against.
public enum SgemmPeak {
    /// The ceiling MFU is measured against: the best GFLOP/s of several products, each the best of a few
    /// rounds after a warm-up: squares of 1024 and 2048, and, given a model, the shapes its training runs
    /// (B*T rows against its projections, feed-forward and output head, forward and transposed). One
    /// square alone, measured once, was no ceiling: on a busy machine it read 108 GFLOP/s while training
    /// ran at 157, and MFU printed 141%.
    public static func measure(threads: Int, config: PLMConfig? = nil, rows: Int = 2048, repeats: Int = 3) -> Double {
        var shapes = [(1024, 1024, 1024), (2048, 2048, 2048)]
        if let config {
            let h = config.hiddenSize
            shapes += [(rows, config.intermediateSize, h), (rows, h, config.intermediateSize),
                       (rows, config.numAttentionHeads * config.qkHeadDim, h), (rows, h, config.numAttentionHeads * config.vHeadDim),
                       (rows, min(config.vocabSize, 32768), h), (h, min(config.vocabSize, 32768), rows)]
        }
        return shapes.map { measure(m: $0.0, n: $0.1, k: $0.2, repeats: repeats, threads: threads) }.max()!
    }

    /// GFLOP/s of the best of a few `m x k` by `k x n` products (after one warm-up) on `threads` workers.
    public static func measure(m: Int, n: Int, k: Int, repeats: Int = 3, threads: Int) -> Double {
        let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: n * k)
        var c = [Float](repeating: 0, count: m * n)
        var best = Double.infinity
        for round in 0...repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        BLAS.sgemm(transposeA: false, transposeB: true, m: m, n: n, k: k, a: pa.baseAddress!, lda: k,
                                   b: pb.baseAddress!, ldb: k, c: pc.baseAddress!, ldc: n, threads: threads)
                    }
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if round > 0 { best = min(best, seconds) }
        }
        return 2.0 * Double(m) * Double(n) * Double(k) / best / 1e9
    }

    /// The square form (`plm env`, older callers).
    public static func measure(n: Int, repeats: Int = 3, threads: Int) -> Double {
        measure(m: n, n: n, k: n, repeats: repeats, threads: threads)
    }
}

/// Appends JSON lines to a metrics file (opened once; each line is flushed as written so a killed
/// run keeps every finished step).
public final class MetricsLog {
    public let path: String
    private let handle: FileHandle
    private let encoder: JSONEncoder

    public init(path: String) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw FileError(path: path, message: "cannot create the metrics file")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw FileError(path: path, message: "cannot open the metrics file for writing")
        }
        try handle.seekToEnd()
        self.handle = handle
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    deinit { try? handle.close() }

    public func append<Metrics: Encodable>(_ metrics: Metrics) throws {
        var line = try encoder.encode(metrics)
        line.append(0x0A)
        try handle.write(contentsOf: line)
    }

    /// Drops lines for steps at or after `step` (a resumed run rewrites them).
    public static func truncate(path: String, fromStep step: Int) throws {
        guard let bytes = try? FileInput.readAll(path: path) else { return }
        // Only the step is read: next-token and DPO lines (`PreferenceStepMetrics`) are truncated alike.
        struct Step: Decodable { var step: Int }
        let decoder = JSONDecoder()
        let kept = bytes.split(separator: 0x0A).filter { line in
            guard let metrics = try? decoder.decode(Step.self, from: Data(line)) else { return false }
            return metrics.step < step
        }
        try FileSystem.writeAtomically(kept.flatMap { Array($0) + [0x0A] }, to: path)
    }
}
