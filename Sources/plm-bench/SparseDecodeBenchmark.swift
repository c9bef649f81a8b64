import ArgumentParser
import Foundation
import PLMInference
import Shards

/// Decode speed with and without the sparse feed-forward path, on a trained checkpoint and real text (a
/// val shard's tokens, fed teacher-forced so every engine sees the same ids), beside llama.cpp on the same
/// GGUF (which computes the feed-forward block densely), in one run. Prints the zeros the sparse path
/// found while decoding, where decode's time went (feed-forward share) with each path, and the
/// feed-forward time the measured sparsity predicts if down_proj's cost fell in proportion to it.
struct SparseDecodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparse-decode",
        abstract: "Decode tokens/s with the dense and the sparse feed-forward path beside llama.cpp, on a trained model.")

    @Option(help: "A trained checkpoint (a folder, or a run's phase such as shards/small/train/anneal).")
    var checkpoint: String

    @Option(help: "Packed shards whose first sample gives the prompt and decoded ids (a val split).")
    var data: String

    @Option(help: "Weight types, comma-separated: f32, f16, q8_0.")
    var types = "f32,f16,q8_0"

    @Option var threads = 2
    @Option var promptTokens = 64
    @Option var decodeTokens = 128
    @Option var repeats = 3
    // The machine's speed drifts from one second to the next (other tenants), so runs taken in turn
    // compare fairly where one after the other did not.
    @Option(help: "Rounds of dense, sparse and llama.cpp in turn; each keeps its fastest run.")
    var rounds = 3

    @Option(help: "Also decode with the up_proj predictor of this rank (sparse path), and measure its loss change.")
    var predictorRank: Int?

    @Option(help: "Val samples for the predictor's loss change.")
    var evalSamples = 20

    @Option(help: "Folder for the GGUF files and the ids.")
    var scratch = "/tmp/plm-bench-sparse"

    @Option(help: "Peer virtualenv with llama-cpp-python 0.3.36.")
    var peerEnvironment = "/root/.cache/plm-peers/llama"

    func run() throws {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let ids = try writeIDs()
        let python = peerEnvironment + "/bin/python"
        let hasPeer = FileManager.default.isExecutableFile(atPath: python)
        print("engine kernels \(MatVec.kernelName); \(threads) threads; \(promptTokens) prompt tokens, then \(decodeTokens) "
            + "decoded (teacher-forced ids of \(data)), best of \(repeats) in each of \(rounds) rounds taken in turn; checkpoint \(checkpoint)")
        if !hasPeer { print("no \(python): llama.cpp column left empty (../shared/peers/setup.sh llama)") }
        print("type  zeros   | dense tok/s  sparse tok/s  speed-up | llama tok/s  sparse/llama | "
            + "FFN share dense -> sparse | FFN ms/token dense -> sparse (if down_proj fell with the zeros) | "
            + "peak RSS dense / sparse")
        for typeName in types.split(separator: ",").map(String.init) {
            guard let type = WeightType(rawValue: typeName) else { throw ValidationError("unknown type \(typeName)") }
            let file = "\(scratch)/trained-\(type.rawValue).gguf"
            if !FileManager.default.fileExists(atPath: file) {
                try PLMGGUFExport.export(checkpoint: checkpoint, to: file, type: type)
            }
            let common = [file, "--threads", String(threads), "--repeats", String(repeats), "--ids", ids]
            var dense: [String: Any] = [:], sparse: [String: Any] = [:], peer: [String: Any] = [:]
            for _ in 0..<rounds {
                dense = fastest(dense, try ChildJSON.run(CommandLine.arguments[0], ["decode-run"] + common))
                sparse = fastest(sparse, try ChildJSON.run(CommandLine.arguments[0], ["decode-run"] + common + ["--sparse-ffn"]))
                if hasPeer {
                    peer = fastest(peer, try ChildJSON.run(python, [DecodeBenchmark.script("decode_speed.py")] + common, quiet: true))
                }
            }
            report(type: type, dense: dense, sparse: sparse, peer: peer)
            if let predictorRank {
                let predicted = try ChildJSON.run(CommandLine.arguments[0], ["decode-run"] + common
                    + ["--sparse-ffn", "--ffn-predictor-rank", String(predictorRank)])
                try reportPredictor(file: file, rank: predictorRank, dense: dense, predicted: predicted)
            }
        }
    }

    /// The predictor's speed and what it costs: loss on the val samples with and without it, and the
    /// zeros it adds.
    private func reportPredictor(file: String, rank: Int, dense: [String: Any], predicted: [String: Any]) throws {
        func value(_ object: [String: Any], _ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? 0 }
        let loaded = try LoadedModel.load(ModelLocation.find(file), threads: threads)
        let plain = PLMEngine(weights: loaded.weights, threads: threads)
        let guessed = PLMEngine(weights: loaded.weights, threads: threads, ffnPredictor: FFNPredictorOptions(rank: rank))
        let before = try Evaluator.evaluate(engine: plain, data: data, tokenizer: nil, maxSamples: evalSamples)
        let after = try Evaluator.evaluate(engine: guessed, data: data, tokenizer: nil, maxSamples: evalSamples)
        let zeros = 1 - value(predicted, "active_columns") / max(1, value(predicted, "total_columns"))
        print(String(format: "      + predictor rank %d: %.1f tok/s (%.2fx dense), zeros while decoding %.1f%%; val loss %.4f -> %.4f "
                     + "(%+.2f%% perplexity) over %d samples; FFN share %.1f%%",
                     rank, value(predicted, "decode_tokens_per_second"),
                     value(predicted, "decode_tokens_per_second") / max(1e-9, value(dense, "decode_tokens_per_second")),
                     100 * zeros, before.loss, after.loss, 100 * (exp(after.loss - before.loss) - 1), before.samples,
                     100 * (value(predicted, "ffn_up_share") + value(predicted, "ffn_down_share"))))
    }

    /// The first `promptTokens + decodeTokens` tokens of the data's first samples, as decode-run and
    /// decode_speed.py read them.
    private func writeIDs() throws -> String {
        let reader = try ShardReader(directory: data)
        var tokens: [Int32] = []
        var index = 0
        while tokens.count < promptTokens + decodeTokens && index < reader.sampleCount {
            tokens += try reader.sample(at: index).tokens
            index += 1
        }
        guard tokens.count >= promptTokens + decodeTokens else {
            throw ValidationError("\(data) holds \(tokens.count) tokens, fewer than \(promptTokens + decodeTokens)")
        }
        let object = ["prompt": Array(tokens[0..<promptTokens]),
                      "decode": Array(tokens[promptTokens..<(promptTokens + decodeTokens)])]
        let path = scratch + "/ids.json"
        try JSONEncoder().encode(object).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func report(type: WeightType, dense: [String: Any], sparse: [String: Any], peer: [String: Any]) {
        func value(_ object: [String: Any], _ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? 0 }
        let zeros = 1 - value(sparse, "active_columns") / max(1, value(sparse, "total_columns"))
        let denseSpeed = value(dense, "decode_tokens_per_second"), sparseSpeed = value(sparse, "decode_tokens_per_second")
        let peerSpeed = peer.isEmpty ? nil : value(peer, "decode_tokens_per_second")
        func ffnShare(_ run: [String: Any]) -> Double { value(run, "ffn_up_share") + value(run, "ffn_down_share") }
        func milliseconds(_ run: [String: Any], _ share: Double) -> Double { 1000 * share * value(run, "profiled_seconds_per_token") }
        let upDense = milliseconds(dense, value(dense, "ffn_up_share")), downDense = milliseconds(dense, value(dense, "ffn_down_share"))
        let ffnSparse = milliseconds(sparse, ffnShare(sparse))
        let predicted = upDense + downDense * (1 - zeros)
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        func mib(_ bytes: Double) -> String { String(format: "%.0f", bytes / 1_048_576) }
        print([
            pad(type.rawValue, 5), pad(f(100 * zeros) + "%", 7) + " |",
            pad(f(denseSpeed), 12), pad(f(sparseSpeed), 13), pad(f(sparseSpeed / max(denseSpeed, 1e-9), 2) + "x", 8) + " |",
            pad(peerSpeed.map { f($0) } ?? "-", 12), pad(peerSpeed.map { f(sparseSpeed / $0, 2) + "x" } ?? "-", 12) + " |",
            pad(f(100 * ffnShare(dense)) + "% -> " + f(100 * ffnShare(sparse)) + "%", 25) + " |",
            pad(f(upDense + downDense, 3) + " -> " + f(ffnSparse, 3) + " (" + f(predicted, 3) + ")", 62) + " |",
            mib(value(dense, "peak_rss_bytes")) + " / " + mib(value(sparse, "peak_rss_bytes")) + " MiB",
        ].joined(separator: " "))
    }

    /// The run with more decode tokens per second (with its own profile).
    private func fastest(_ a: [String: Any], _ b: [String: Any]) -> [String: Any] {
        func speed(_ run: [String: Any]) -> Double { (run["decode_tokens_per_second"] as? NSNumber)?.doubleValue ?? 0 }
        return speed(b) > speed(a) ? b : a
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
