import ArgumentParser
import CorpusIO
import Curation
import Foundation
import Tokenization

/// Encoding speed beside Hugging Face tokenizers and tiktoken on the same vocabulary and text, in one
/// run: single-threaded MB/s and batch MB/s on all cores, and whether the three agree on the ids.
struct TokenizerEncodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer-encode",
        abstract: "Encoding MB/s, one thread and all cores, beside HF tokenizers and tiktoken on the same vocabulary.")

    @Option(parsing: .upToNextOption, help: "JSONL(.zst) inputs (default: shards/local/filter/output/*/*.jsonl.zst).")
    var input: [String] = []

    @Option(help: "Megabytes of text to encode (the documents are repeated when the inputs hold less).")
    var megabytes = 30

    @Option(help: "Tokenizer folder or tokenizer.json (default: one trained by HF on the text, 32k, qwen2).")
    var tokenizer: String?

    @Option(help: "Vocabulary size of the tokenizer trained when --tokenizer is not given.")
    var vocabSize = 32000

    @Option(help: "Peer virtualenv with tokenizers 0.23.3 and tiktoken.")
    var peerEnvironment = "/root/.cache/plm-peers/tok"

    @Option(help: "Scratch folder for the shared text and the trained tokenizer.")
    var scratch = "/tmp/plm-bench-tokenizer-encode"

    func run() throws {
        try FileSystem.createDirectory(scratch)
        let textFile = scratch + "/text.jsonl"
        let texts = try collectTexts()
        try writeJSONL(texts, to: textFile)
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        let megabytesEncoded = Double(bytes) / 1e6
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("text: \(texts.count) documents, \(String(format: "%.1f", megabytesEncoded)) MB (\(textFile)), \(cores) cores")

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/tokenizers/encode_speed.py").path
        let python = peerEnvironment + "/bin/python"
        let hasPeer = FileManager.default.isExecutableFile(atPath: python)
        var tokenizerPath = tokenizer
        if tokenizerPath == nil {
            let trained = "\(scratch)/tokenizer-qwen2-\(vocabSize).json"
            if !FileManager.default.fileExists(atPath: trained) {
                guard hasPeer else { throw ValidationError("no --tokenizer and no \(python) to train one") }
                print("training the benchmark vocabulary with HF (\(vocabSize), qwen2) ...")
                _ = try ChildJSON.run(python, [script, "train", "--input", textFile, "--vocab-size", String(vocabSize),
                                         "--output", trained])
            }
            tokenizerPath = trained
        }
        let encoder = try BPETokenizer(model: TokenizerFileReader.read(path: tokenizerPath!))
        print("tokenizer: \(tokenizerPath!) (\(encoder.vocabularySize) ids, \(encoder.preset.rawValue))")

        // Warm-up (class table, first allocations), then one thread over every document in order.
        _ = encoder.encodeBatch(Array(texts.prefix(50)), allowSpecial: false, workers: 1)
        let clock = ContinuousClock()
        var single: [[Int32]] = []
        single.reserveCapacity(texts.count)
        let cpuStart = Self.threadCPUSeconds()
        let singleTime = clock.measure {
            for text in texts { single.append(encoder.encode(text, allowSpecial: false)) }
        }
        let singleCPU = Self.threadCPUSeconds() - cpuStart
        var batch: [[Int32]] = []
        let batchTime = clock.measure { batch = encoder.encodeBatch(texts, allowSpecial: false) }
        let (ourChecksum, ourTokens) = Self.checksum(single)
        let batchAgrees = batch == single

        func rate(_ duration: Duration) -> Double {
            megabytesEncoded / (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }
        let ourSingle = rate(singleTime), ourSingleCPU = megabytesEncoded / singleCPU, ourBatch = rate(batchTime)
        print("                 1 thread MB/s (per CPU s)   \(cores) threads MB/s   tokens     ids")
        print("plm             " + String(format: " %13.1f (%9.1f)   %15.1f   %9d   ", ourSingle, ourSingleCPU, ourBatch, ourTokens)
            + (batchAgrees ? "batch = single" : "BATCH DIFFERS FROM SINGLE"))
        guard hasPeer else {
            print("(no \(python): HF and tiktoken not measured)")
            return
        }
        let peers = try ChildJSON.run(python, [script, "bench", "--input", textFile, "--tokenizer", tokenizerPath!,
                                         "--threads", String(cores)])
        for (name, key) in [("HF tokenizers", "hf"), ("tiktoken", "tiktoken")] {
            let tokens = peers["\(key)_tokens"] as? Int ?? -1
            let same = (peers["\(key)_checksum"] as? NSNumber)?.uint64Value == ourChecksum && tokens == ourTokens
            print(name.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: " %13.1f (%9.1f)   %15.1f   %9d   ", peers["\(key)_single_mb_s"] as? Double ?? .nan,
                         peers["\(key)_single_cpu_mb_s"] as? Double ?? .nan, peers["\(key)_batch_mb_s"] as? Double ?? .nan, tokens)
                + (same ? "ids identical to plm" : "ids differ from plm"))
        }
        let tiktokenSingle = peers["tiktoken_single_cpu_mb_s"] as? Double ?? .nan
        let hfSingle = peers["hf_single_cpu_mb_s"] as? Double ?? .nan
        print(String(format: "plm single-thread (MB per CPU second): %.2fx tiktoken, %.1fx HF", ourSingleCPU / tiktokenSingle,
                     ourSingleCPU / hfSingle))
        print("Per CPU second: the encoding thread's own CPU time, which a busy machine does not inflate; HF with "
            + "special tokens as text (encode_special_tokens), tiktoken encode_ordinary, plm allowSpecial false.")
    }

    /// CPU time of the calling thread.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// sum over all ids of (id + 1) * mix(position) mod 2^64 (encode_speed.py computes the same).
    static func checksum(_ batches: [[Int32]]) -> (UInt64, Int) {
        var total: UInt64 = 0
        var position: UInt64 = 0
        for ids in batches {
            for id in ids {
                var mixed = position &* 0x9E37_79B9_7F4A_7C15
                mixed ^= mixed >> 29
                total = total &+ (UInt64(id) &+ 1) &* mixed
                position += 1
            }
        }
        return (total, Int(position))
    }

    /// Document texts from the inputs, round-robin over files so every source is in the sample,
    /// repeated until `megabytes` when the inputs hold less.
    private func collectTexts() throws -> [String] {
        let inputs = input.isEmpty ? try StageOutputFiles.list(root: "shards/local/filter/output") : input
        struct Line: Decodable { var text: String }
        let decoder = JSONDecoder()
        var perFile: [[String]] = []
        for file in inputs {
            var texts: [String] = []
            try ZstdLineReader.forEachLine(path: file) { line in
                guard case .line(let bytes, _) = line, !bytes.isEmpty else { return }
                if let text = try? decoder.decode(Line.self, from: Data(bytes)).text, !text.isEmpty { texts.append(text) }
            }
            perFile.append(texts)
        }
        var ordered: [String] = []
        var round = 0
        while perFile.contains(where: { round < $0.count }) {
            for texts in perFile where round < texts.count { ordered.append(texts[round]) }
            round += 1
        }
        guard !ordered.isEmpty else { throw ValidationError("the inputs hold no documents") }
        let limit = megabytes * 1_000_000
        var result: [String] = []
        var total = 0
        while total < limit {
            for text in ordered where total < limit {
                result.append(text)
                total += text.utf8.count
            }
        }
        return result
    }

    private func writeJSONL(_ texts: [String], to path: String) throws {
        let out = try AtomicOutputFile(path: path)
        var line: [UInt8] = []
        for text in texts {
            line.removeAll(keepingCapacity: true)
            JSONText.appendObject([("text", .string(text))], to: &line)
            line.append(0x0A)
            try out.write(line)
        }
        try out.commit()
    }
}
