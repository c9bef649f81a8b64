import ArgumentParser
import CorpusIO
import Curation
import Foundation
import Pipeline
import Tokenization

/// BPE training beside Hugging Face tokenizers on the same text: wall time and peak RSS of each, each
/// trained in its own child process so the memory figures do not mix, and whether the merges and
/// vocabularies are identical.
struct TokenizerTrainBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer-train",
        abstract: "BPE training time and peak memory beside Hugging Face tokenizers, with an identity check.")

    @Option(parsing: .upToNextOption,
            help: "JSONL(.zst) inputs (default: shards/local/dedup/output/*/*.jsonl.zst; the filtered output of the local run holds only about 10 MB).")
    var input: [String] = []

    @Option(help: "Megabytes of document text to train on (both sides read the same file).")
    var megabytes = 50

    @Option(help: "Split pattern preset.")
    var preset = "qwen2"

    @Option(help: "Vocabulary sizes, comma separated.")
    var vocabSizes = "8000,32000"

    @Option(help: "Minimum pair frequency (both sides).")
    var minFrequency = 2

    @Option(help: "Peer virtualenv with tokenizers 0.23.3.")
    var peerEnvironment = "/root/.cache/plm-peers/tok"

    @Option(help: "Scratch folder for the shared text and the outputs.")
    var scratch = "/tmp/plm-bench-tokenizer-train"

    func run() throws {
        guard SplitPreset(rawValue: preset) != nil else { throw ValidationError("unknown preset \(preset)") }
        let sizes = vocabSizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        try FileSystem.createDirectory(scratch)
        let text = scratch + "/text.jsonl"
        let (documents, bytes) = try writeText(to: text)
        print("text: \(documents) documents, \(String(format: "%.1f", Double(bytes) / 1e6)) MB (\(text)), preset \(preset), "
            + "min frequency \(minFrequency), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/tokenizers/train_speed.py").path
        let python = peerEnvironment + "/bin/python"
        let hasPeer = FileManager.default.isExecutableFile(atPath: python)
        if !hasPeer { print("(no \(python): Hugging Face not measured)") }
        print("vocab    plm s  plm cpu  plm MB  (count s  merge s)    HF s  HF cpu   HF MB   speed-up  output")
        for size in sizes {
            let ours = try ChildJSON.run("/proc/self/exe",
                                         ["tokenizer-train-once", "--input", text, "--preset", preset,
                                          "--vocab-size", String(size), "--min-frequency", String(minFrequency),
                                          "--output", "\(scratch)/plm-\(size)"])
            var hfSeconds = Double.nan, hfCPU = Double.nan, hfMegabytes = Double.nan, verdict = "HF not run"
            if hasPeer {
                let hfFile = "\(scratch)/hf-\(size).json"
                let theirs = try ChildJSON.run(python, [script, "--input", text, "--preset", preset,
                                                        "--vocab-size", String(size), "--min-frequency", String(minFrequency),
                                                        "--output", hfFile])
                hfSeconds = theirs["seconds"] as? Double ?? .nan
                hfMegabytes = theirs["peak_rss_mb"] as? Double ?? .nan
                hfCPU = theirs["cpu_seconds"] as? Double ?? .nan
                verdict = try compare(ours: "\(scratch)/plm-\(size)/tokenizer.json", theirs: hfFile)
            }
            let seconds = ours["seconds"] as? Double ?? .nan
            print(String(format: "%6d %7.2f %8.2f %7.0f  (%7.2f %8.2f) %7.2f %7.2f %7.0f %9.2fx  ", size, seconds,
                         ours["cpu_seconds"] as? Double ?? .nan, ours["peak_rss_mb"] as? Double ?? .nan,
                         ours["count_seconds"] as? Double ?? .nan, ours["train_seconds"] as? Double ?? .nan,
                         hfSeconds, hfCPU, hfMegabytes, hfSeconds / seconds) + verdict)
        }
        print("plm s: reading + counting + merging (documents streamed from the file); HF s: train_from_iterator on "
            + "documents already in memory. cpu: CPU seconds of the same span, all threads (fairer on a busy "
            + "machine). MB: peak RSS of each child process.")
    }

    /// The first `megabytes` of document text from the inputs, as one JSONL file both sides read.
    private func writeText(to path: String) throws -> (documents: Int, bytes: Int) {
        let inputs = input.isEmpty ? try StageOutputFiles.list(root: "shards/local/dedup/output") : input
        let limit = megabytes * 1_000_000
        // Round-robin over the files, so every source contributes to the sample.
        var perFile: [[String]] = []
        var total = 0
        for file in inputs {
            var texts: [String] = []
            try TokenizerCorpus.forEachText(TokenizerInputFile(path: file)) { text in
                texts.append(text)
                total += text.utf8.count
            }
            perFile.append(texts)
        }
        let out = try AtomicOutputFile(path: path)
        var line: [UInt8] = []
        var written = 0, documents = 0, round = 0
        while written < limit && perFile.contains(where: { round < $0.count }) {
            for texts in perFile where round < texts.count && written < limit {
                line.removeAll(keepingCapacity: true)
                JSONText.appendObject([("text", .string(texts[round]))], to: &line)
                line.append(0x0A)
                try out.write(line)
                written += texts[round].utf8.count
                documents += 1
            }
            round += 1
        }
        try out.commit()
        return (documents, written)
    }

    private func compare(ours: String, theirs: String) throws -> String {
        func load(_ path: String) throws -> (tokens: [String], merges: [[String]]) {
            let object = try JSONSerialization.jsonObject(with: Data(try FileInput.readAll(path: path))) as? [String: Any]
            return (object?["tokens"] as? [String] ?? [], object?["merges"] as? [[String]] ?? [])
        }
        // Ours through the tokenizer.json reader, so the file written is what is compared.
        let model = try TokenizerFileReader.read(path: ours)
        let a = (tokens: model.tokens, merges: model.merges.map { [$0.left, $0.right] })
        let b = try load(theirs)
        if let index = a.merges.indices.first(where: { $0 < b.merges.count && a.merges[$0] != b.merges[$0] }) {
            return "merge \(index) differs: \(a.merges[index]) vs HF \(b.merges[index])"
        }
        if a.merges.count != b.merges.count { return "merge counts differ: \(a.merges.count) vs HF \(b.merges.count)" }
        if a.tokens != b.tokens { return "vocabularies differ" }
        return "identical (\(a.merges.count) merges)"
    }
}

/// One training run in this process, for `tokenizer-train` to measure from outside.
struct TokenizerTrainOnce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer-train-once", abstract: "Train once and print time and peak RSS as JSON.",
        shouldDisplay: false)

    @Option var input: [String]
    @Option var preset = "qwen2"
    @Option var vocabSize = 8000
    @Option var minFrequency = 2
    @Option var output: String

    func run() throws {
        guard let split = SplitPreset(rawValue: preset) else { throw ValidationError("unknown preset \(preset)") }
        let options = BPETrainer.Options(vocabSize: vocabSize, minFrequency: minFrequency, preset: split)
        let start = Date()
        let cpuStart = ProcessCPU.seconds()
        let summary = try TokenizerRunner.train(files: input.map { TokenizerInputFile(path: $0) }, options: options,
                                                folder: output, workers: ProcessInfo.processInfo.activeProcessorCount,
                                                progress: false) { _ in }
        let seconds = Date().timeIntervalSince(start)
        let cpu = ProcessCPU.seconds() - cpuStart
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let json: [String: Any] = ["seconds": seconds, "cpu_seconds": cpu, "count_seconds": summary.countSeconds,
                                   "train_seconds": summary.trainSeconds, "peak_rss_mb": Double(usage.ru_maxrss) / 1024,
                                   "tokens": summary.model?.vocabSize ?? 0, "merges": summary.model?.merges.count ?? 0]
        print(String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self))
    }
}
