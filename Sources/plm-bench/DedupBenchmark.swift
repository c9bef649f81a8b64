import ArgumentParser
import CorpusIO
import Curation
import Foundation
import Pipeline

/// MinHash signature throughput per core on a pipeline's corpus beside datatrove's on the same
/// documents (measured in the same run when its virtualenv exists), and the full dedup's wall time
/// and peak memory.
struct DedupBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup", abstract: "Signature MB/s per core beside datatrove's; full dedup time and memory.")

    @Argument(help: "The pipeline whose corpus is deduplicated.")
    var pipeline = "pipelines/local.yaml"

    @Option(help: "Workers for the full dedup.")
    var workers = 2

    @Option(help: "MB of text datatrove signs (it is slow).")
    var peerMegabytes = 4.0

    @Option(help: "datatrove's virtualenv (../shared/peers/setup.sh dt).")
    var peerEnvironment = (ProcessInfo.processInfo.environment["PEERS_DIR"]
        ?? NSHomeDirectory() + "/.cache/plm-peers") + "/dt"

    func run() throws {
        let loaded = try PipelineConfig.loadWithManifest(path: pipeline)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var config = loaded.pipeline
        config.output = root
        print("ingesting \(pipeline) into \(root) ...")
        _ = try IngestRunner.run(pipeline: config, manifest: loaded.manifest,
                                 options: .init(workers: workers, progress: false)) { _ in }

        // One worker: throughput per core of the signature stage alone.
        let started = Date()
        let single = try DedupRunner.run(pipeline: config, manifest: loaded.manifest,
                                         options: .init(stages: [.signatures], workers: 1, progress: false)) { _ in }
        let signatureSeconds = Date().timeIntervalSince(started)
        let textBytes = single.flatMap(\.summary.stats).reduce(0) { $0 + $1.sources.values.reduce(0) { $0 + $1.textBytes } }
        let ours = Double(textBytes) / 1e6 / signatureSeconds
        print(label("plm signatures, 1 core") + String(format: "%8.2f MB/s  (%.1f MB in %.2f s, kernel: ", ours,
                                                       Double(textBytes) / 1e6, signatureSeconds) + MinHasher.kernelName + ")")

        if let peer = try datatrove(root: root) {
            for (label, rate) in [("datatrove, spaCy words", peer.defaultRate), ("datatrove, whitespace words", peer.whitespaceRate)] {
                print(self.label(label + ", 1 core") + String(format: "%8.2f MB/s  (%.1f MB sample)   plm is %.0fx",
                                                              rate, Double(peer.bytes) / 1e6, ours / rate))
            }
        } else {
            print("datatrove: not installed at \(peerEnvironment) (run ../shared/peers/setup.sh dt to compare)")
        }

        // The whole dedup from scratch on the requested workers.
        try? FileManager.default.removeItem(atPath: root + "/dedup")
        for folder in ["logs", "stats", "completions"] { try? FileManager.default.removeItem(atPath: "\(root)/\(folder)/dedup") }
        let fullStart = Date()
        let results = try DedupRunner.run(pipeline: config, manifest: loaded.manifest,
                                          options: .init(workers: workers, progress: false)) { _ in }
        let fullSeconds = Date().timeIntervalSince(fullStart)
        for (stage, summary) in results {
            print(label("  " + stage.rawValue) + String(format: "%8.2f s", summary.seconds))
        }
        print(String(format: "full dedup on %d workers: %.2f s", workers, fullSeconds))
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("peak RSS: \(usage.ru_maxrss / 1024) MB (whole benchmark process, ingest included)")
    }

    private func label(_ text: String) -> String { text.padding(toLength: 38, withPad: " ", startingAt: 0) }

    private func datatrove(root: String) throws -> (defaultRate: Double, whitespaceRate: Double, bytes: Int)? {
        let python = peerEnvironment + "/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/datatrove/signature_speed.py").path
        let json = try ChildJSON.run(python, [script, "--root", root, "--limit-mb", String(peerMegabytes)], quiet: true)
        guard let spacy = json["default_tokenizer_mb_s"] as? Double, let whitespace = json["whitespace_tokenizer_mb_s"] as? Double,
              let bytes = json["bytes"] as? Int
        else { throw ValidationError("datatrove benchmark printed no figures") }
        return (spacy, whitespace, bytes)
    }
}
