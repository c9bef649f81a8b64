import ArgumentParser
import Foundation
import PLMInference

/// One engine measurement in a process of its own (so its peak memory is its own): loads a model file,
/// prefills a fixed prompt, decodes fixed tokens, and prints one JSON object. `plm-bench decode` runs it.
struct DecodeRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-run", abstract: "One engine speed and memory measurement (run by plm-bench decode).",
        shouldDisplay: false)

    @Argument(help: "A model: .gguf file or checkpoint folder.")
    var model: String

    @Option var threads = 2
    @Option var promptTokens = 128
    @Option var decodeTokens = 64
    @Option var repeats = 3

    @Option(help: "A JSON file {\"prompt\": [ids], \"decode\": [ids]}: these ids instead of the fixed pattern.")
    var ids: String?

    @Flag(help: "Decode with the sparse feed-forward path.")
    var sparseFFN = false

    @Option(help: "Skip up_proj rows a low-rank predictor of this rank predicts negative.")
    var ffnPredictorRank: Int?

    func run() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let loaded = try LoadedModel.load(ModelLocation.find(model), threads: threads)
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let engine = PLMEngine(weights: loaded.weights, threads: threads, sparseFFN: sparseFFN,
                               ffnPredictor: ffnPredictorRank.map { FFNPredictorOptions(rank: $0) })
        let vocabulary = loaded.weights.config.vocabSize
        // The same ids as Benchmarks/llama/decode_speed.py feeds llama.cpp.
        var prompt = (0..<promptTokens).map { Int32((17 * $0 + 5) % vocabulary) }
        var decode = (0..<decodeTokens).map { Int32((29 * $0 + 11) % vocabulary) }
        if let ids {
            let given = try JSONDecoder().decode([String: [Int32]].self, from: Data(contentsOf: URL(fileURLWithPath: ids)))
            prompt = given["prompt"] ?? []
            decode = given["decode"] ?? []
        }
        let promptTokens = prompt.count, decodeTokens = decode.count
        var bestPrefill = Double.infinity, bestDecode = Double.infinity
        var cacheBytes = 0
        for _ in 0..<(repeats + 1) {          // the first round warms up
            let cache = engine.makeCache(capacity: promptTokens + decodeTokens)
            let t0 = DispatchTime.now().uptimeNanoseconds
            try engine.forward(prompt, cache: cache)
            let t1 = DispatchTime.now().uptimeNanoseconds
            for token in decode { try engine.forward([token], cache: cache) }
            let t2 = DispatchTime.now().uptimeNanoseconds
            bestPrefill = min(bestPrefill, Double(t1 - t0) / 1e9)
            bestDecode = min(bestDecode, Double(t2 - t1) / 1e9)
            cacheBytes = cache.bytesPerToken
        }
        // One more round with the profile on (kept out of the timed rounds): where decode's time goes.
        let profile = DecodeProfile()
        let cache = engine.makeCache(capacity: promptTokens + decodeTokens)
        try engine.forward(prompt, cache: cache)
        engine.profile = profile
        for token in decode { try engine.forward([token], cache: cache) }
        engine.profile = nil
        let total = Double(max(1, profile.totalNanoseconds))
        let result: [String: Any] = [
            "ffn_up_share": Double(profile.ffnUpNanoseconds) / total,
            "ffn_down_share": Double(profile.ffnDownNanoseconds) / total,
            "attention_share": Double(profile.attentionNanoseconds) / total,
            "head_share": Double(profile.headNanoseconds) / total,
            "profiled_seconds_per_token": total / 1e9 / Double(max(1, decodeTokens)),
            "active_columns": profile.activeColumns,
            "total_columns": profile.totalColumns,
            "sparse_copy_bytes": engine.sparseDown?.reduce(0) { $0 + $1.byteCount } ?? 0,
            "load_seconds": loadSeconds,
            "prefill_tokens_per_second": Double(promptTokens) / bestPrefill,
            "decode_tokens_per_second": decodeTokens > 0 ? Double(decodeTokens) / bestDecode : 0,
            "weight_bytes": loaded.weights.byteCount,
            "cache_bytes_per_token": cacheBytes,
            "scratch_bytes": engine.scratchBytes,
            "peak_rss_bytes": TrainSpeedMeasure.peakResidentBytes(),
            "kernels": MatVec.kernelName,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}
