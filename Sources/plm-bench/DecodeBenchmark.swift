import ArgumentParser
import Foundation
import PLMInference
import PLMModel
import Tokenization

/// Prefill and decode speed of the engine beside llama.cpp on the same GGUF files, same threads, one
/// run; the weight bytes a decoded token reads times tokens/s beside the machine's measured memory
/// bandwidth (decode is memory-bound); cache bytes per token of context beside llama.cpp's; optionally
/// the engine's peak memory at a long context.
struct DecodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode and prefill tokens/s beside llama.cpp on the same GGUF (plm-small, PLM-1.8B; f32, f16, q8_0).")

    @Option(help: "Shapes to run, comma-separated: small (plm-small), 1.8b (PLM-1.8B).")
    var shapes = "small,1.8b"

    @Option(help: "Weight types, comma-separated: f32, f16, q8_0.")
    var types = "f32,f16,q8_0"

    @Option(help: "A trained checkpoint for the small shape (default: seeded weights; speed does not depend on them).")
    var checkpoint: String?

    @Option(help: "Tokenizer folder written into the files (its vocabulary is padded to the model's).")
    var tokenizer = "shards/local/tokenizer"

    @Option var threads = 2
    @Option var promptTokens = 128
    @Option var decodeTokens = 64
    @Option var repeats = 3

    @Option(help: "Also measure the engine's peak memory after a prompt of this many tokens at 1.8B (0: skip).")
    var longContext = 0

    @Option(help: "Weight type of the long-context measurement.")
    var longContextType = "q8_0"

    @Option(help: "Folder for the GGUF files (several GB at 1.8B).")
    var scratch = "/tmp/plm-bench-decode"

    @Option(help: "Peer virtualenv with llama-cpp-python 0.3.36.")
    var peerEnvironment = "/root/.cache/plm-peers/llama"

    func run() throws {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let bandwidth = MemoryBandwidth.measure(threads: threads)
        let python = peerEnvironment + "/bin/python"
        let hasPeer = FileManager.default.isExecutableFile(atPath: python)
        print("engine kernels \(MatVec.kernelName); \(threads) threads; prompt \(promptTokens) tokens, decode "
            + "\(decodeTokens), best of \(repeats); memory bandwidth \(gb(bandwidth.readBytesPerSecond)) GB/s read, "
            + "\(gb(bandwidth.copyBytesPerSecond)) GB/s copy")
        if !hasPeer { print("no \(python): llama.cpp columns left empty (../shared/peers/setup.sh llama)") }
        print("shape      type  weights     plm prefill  llama prefill | plm decode  llama decode  ratio | "
            + "plm GB/s  % of read bw | cache B/token plm / llama | plm peak RSS")
        for shape in shapes.split(separator: ",").map(String.init) {
            for typeName in types.split(separator: ",").map(String.init) {
                guard let type = WeightType(rawValue: typeName) else { throw ValidationError("unknown type \(typeName)") }
                let file = try modelFile(shape: shape, type: type)
                let ours = try ChildJSON.run(CommandLine.arguments[0], ["decode-run", file] + runArguments)
                let peer = hasPeer ? try ChildJSON.run(python, [Self.script("decode_speed.py"), file] + peerArguments,
                                                       quiet: true) : [:]
                report(shape: shape, type: type, ours: ours, peer: peer, bandwidth: bandwidth)
            }
        }
        if longContext > 0 {
            guard let type = WeightType(rawValue: longContextType) else { throw ValidationError("unknown type") }
            let file = try modelFile(shape: "1.8b", type: type)
            let ours = try ChildJSON.run(CommandLine.arguments[0], ["decode-run", file, "--threads", String(threads),
                "--prompt-tokens", String(longContext - 1), "--decode-tokens", "1", "--repeats", "0"])
            let number = { (key: String) in (ours[key] as? NSNumber)?.doubleValue ?? 0 }
            print("PLM-1.8B \(type.rawValue), context \(longContext): peak RSS \(mib(number("peak_rss_bytes"))) MiB = "
                + "weights \(mib(number("weight_bytes"))) + cache \(mib(number("cache_bytes_per_token") * Double(longContext))) "
                + "+ scratch \(mib(number("scratch_bytes"))) + the rest; prefill \(Int(number("prefill_tokens_per_second"))) tok/s")
        }
    }

    private var runArguments: [String] {
        ["--threads", String(threads), "--prompt-tokens", String(promptTokens), "--decode-tokens", String(decodeTokens),
         "--repeats", String(repeats)]
    }

    private var peerArguments: [String] {
        ["--threads", String(threads), "--prompt-tokens", String(promptTokens), "--decode-tokens", String(decodeTokens),
         "--repeats", String(repeats)]
    }

    /// The GGUF file for a shape and type: exported from --checkpoint, else seeded weights; reused if present.
    private func modelFile(shape: String, type: WeightType) throws -> String {
        let source = shape == "small" && checkpoint != nil ? "trained" : "seeded"
        let path = "\(scratch)/plm-\(shape)-\(source)-\(type.rawValue).gguf"
        if FileManager.default.fileExists(atPath: path) { return path }
        if shape == "small", let checkpoint {
            try PLMGGUFExport.export(checkpoint: checkpoint, tokenizer: tokenizer, to: path, type: type)
            return path
        }
        let base: PLMConfig = shape == "small" ? .plmSmall : shape == "1.8b" ? .plm1_8B : try .preset(named: shape)
        let model = try ModelTokenizer.load(folder: tokenizer)
        let config = shape == "small" ? base.withVocabSize(model.tokenizer.vocabularySize) : base
        print("writing \(path) (seeded \(shape) weights, \(type.rawValue)) ...")
        try PLMGGUFWriter.write(config: config, tokenizer: GGUFTokenizer(model: model.tokenizer.model, config: model.config),
                                weights: SeededWeights(config: config, seed: 1), type: type, name: "plm-\(shape)-seeded",
                                to: path)
        return path
    }

    private func report(shape: String, type: WeightType, ours: [String: Any], peer: [String: Any],
                        bandwidth: MemoryBandwidth) {
        func value(_ object: [String: Any], _ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
        let weights = value(ours, "weight_bytes") ?? 0
        let decode = value(ours, "decode_tokens_per_second") ?? 0
        let peerDecode = value(peer, "decode_tokens_per_second")
        let streamed = weights * decode
        let columns = [
            pad(shape, 10), pad(type.rawValue, 5), pad("\(mib(weights)) MiB", 11),
            pad(format(value(ours, "prefill_tokens_per_second")), 12), pad(format(value(peer, "prefill_tokens_per_second")), 14)
                + "|",
            pad(format(decode), 11), pad(format(peerDecode), 13),
            pad(peerDecode.map { String(format: "%.2fx", decode / $0) } ?? "-", 6) + "|",
            pad(gb(streamed), 9), pad(String(format: "%.0f%%", 100 * streamed / bandwidth.readBytesPerSecond), 13) + "|",
            pad("\(Int(value(ours, "cache_bytes_per_token") ?? 0)) / \(value(peer, "cache_bytes_per_token").map { String(Int($0)) } ?? "-")", 26) + "|",
            "\(mib(value(ours, "peak_rss_bytes") ?? 0)) MiB",
        ]
        print(columns.joined(separator: " "))
    }

    private func format(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
    private func gb(_ bytesPerSecond: Double) -> String { String(format: "%.1f", bytesPerSecond / 1e9) }
    private func mib(_ bytes: Double) -> String { String(format: "%.0f", bytes / 1_048_576) }
    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/llama/" + name).path
    }
}
