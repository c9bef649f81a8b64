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

    func run() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let loaded = try LoadedModel.load(ModelLocation.find(model), threads: threads)
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let engine = PLMEngine(weights: loaded.weights, threads: threads)
        let vocabulary = loaded.weights.config.vocabSize
        // The same ids as Benchmarks/llama/decode_speed.py feeds llama.cpp.
        let prompt = (0..<promptTokens).map { Int32((17 * $0 + 5) % vocabulary) }
        let decode = (0..<decodeTokens).map { Int32((29 * $0 + 11) % vocabulary) }
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
        let result: [String: Any] = [
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
