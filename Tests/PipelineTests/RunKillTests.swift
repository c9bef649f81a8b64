import CorpusIO
import Foundation
import Testing
@testable import Pipeline

/// `plm run` killed with SIGKILL at points inside ingest, dedup, filtering, packing and training (and
/// mid-write anywhere), then rerun: every output ends byte-identical to an uninterrupted run, the final
/// checkpoint included. The process kills itself at the named point (`FaultInjection`, `PLM_KILL_AT`).
@Suite("plm run killed and resumed", .serialized)
struct RunKillTests {
    /// The `plm` built beside the test bundle.
    static let plm: String = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if folder.path.hasSuffix(".xctest/Contents/MacOS") { folder = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
        return folder.appendingPathComponent("plm").path
    }()

    /// What a run writes that is not an output: timings and logs (stats, logs, resources, metrics,
    /// the report's stage table), the lock, and the resumed training's repeated metric lines.
    static func isBookkeeping(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return ["stats", "logs", "resources"].contains(String(parts.first ?? ""))
            || path.hasSuffix("metrics.jsonl") || path == ".lock" || path.hasPrefix("report.")
    }

    static func write(_ text: String, to path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A corpus, manifest and pipeline (plm-tiny on 32-token sequences, a checkpoint every step) in a
    /// new folder; the pipeline writes to `<folder>/out`.
    static func makeRun() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-kill-\(UUID().uuidString)").path
        let words = ["the", "river", "bank", "of", "a", "small", "town", "runs", "past", "old", "mills", "and",
                     "green", "fields", "where", "children", "play", "in", "summer", "with", "their", "dogs",
                     "that", "have", "to", "be", "stone", "bridge", "market", "baker", "morning", "bread"]
        var state: UInt64 = 99
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        for index in 0..<80 {
            var text = ""
            for _ in 0..<6 {
                let sentence = (0..<(8 + next() % 6)).map { _ in words[next() % words.count] }.joined(separator: " ")
                text += sentence.prefix(1).uppercased() + sentence.dropFirst() + ".\n"
            }
            try write(text, to: "\(root)/\(index % 3 == 0 ? "b" : "a")/doc\(index % 70).txt")
        }
        try write("""
            name: m
            sources:
              - {name: a, paths: a, domain: prose}
              - {name: b, paths: b, domain: prose}
            phases:
              - {name: one, kind: pretrain, tokens: 3K, weights: {a: 1, b: 1}}
              - {name: two, kind: pretrain, tokens: 2K, weights: {a: 1, b: 3}}
            """, to: root + "/m.yaml")
        try write("""
            name: k
            manifest: m.yaml
            output: \(root)/out
            workers: 2
            ingest: {tasks: 3}
            filters:
              word_tokenizer: whitespace
              by_domain: {default: [gopher_quality]}
              gopher_quality: {min_doc_words: 5}
            tokenizer: {vocab_size: 320, preset: gpt2}
            pack: {seq_len: 32, val_fraction: 0.1}
            model: {preset: plm-tiny, seed: 2, sequence_length: 32, micro_batch: 2, batch_tokens: 64, threads: 1,
                    validation_interval: 2, validation_batches: 1, checkpoint_interval: 1}
            schedule:
              peak_lr: 0.003
              floor_lr: 0.0003
              warmup_steps: 1
              phases:
                - {name: one, segment: stable, steps: 3}
                - {name: two, segment: decay, steps: 3}
            eval: {max_samples: 4, max_tokens: 4, prompts: ["The river"]}
            """, to: root + "/p.yaml")
        return root
    }

    /// Runs `plm run` on the folder's pipeline; returns how it ended.
    static func run(_ root: String) throws -> (status: Int32, killed: Bool) {
        let result = try runCapturing(root, environment: [:])
        return (result.status, result.killed)
    }

    /// Runs `plm run` with extra environment variables; returns how it ended and its standard error.
    static func runCapturing(_ root: String, environment extra: [String: String]) throws -> (status: Int32, killed: Bool, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: plm)
        process.arguments = ["run", root + "/p.yaml"]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, text)
    }

    /// Runs the folder's pipeline killed at the `after`-th pass of `point`, reruns it, and expects the
    /// outputs to equal `expected`; with `report`, prints a line for scripts/kill-test.
    static func killAndCompare(_ root: String, point: String, after: Int, expected: [String: Data], report: String?) throws {
        try? FileManager.default.removeItem(atPath: root + "/out")
        let killed = try runCapturing(root, environment: ["PLM_KILL_AT": point, "PLM_KILL_AFTER": String(after)])
        #expect(killed.killed && killed.status == SIGKILL, "\(point) x\(after): the run was not killed: \(killed.errors.suffix(600))")
        #expect(try run(root) == (0, false), "\(point) x\(after): the rerun failed")
        let got = try outputs(root + "/out")
        let missingOrExtra = Set(got.keys).symmetricDifference(expected.keys).sorted()
        #expect(missingOrExtra.isEmpty, "\(point) x\(after): files differ: \(missingOrExtra.prefix(8))")
        let different = expected.keys.filter { got[$0] != nil && got[$0] != expected[$0] }.sorted()
        #expect(different.isEmpty, "\(point) x\(after): contents differ: \(different.prefix(8))")
        if let report {
            print("kill-test: SIGKILL at \(point) x\(after)\(report): rerun identical: \(different.isEmpty && missingOrExtra.isEmpty)")
        }
    }

    /// Relative path to contents of every file under `folder`, bookkeeping left out.
    static func outputs(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return files }
        for case let path as String in walker {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isFolder), !isFolder.boolValue,
                  !isBookkeeping(path) else { continue }
            var data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + path))
            if path.hasPrefix("align/") && path.hasSuffix("/summary.json") {
                // A round's summary holds how long its sampling took: the rest of it must match.
                let text = String(decoding: data, as: UTF8.self)
                data = Data(text.replacingOccurrences(of: #""seconds":[0-9.e+-]+"#, with: "", options: .regularExpression).utf8)
            }
            files[path] = data
        }
        return files
    }

    @Test("a run killed inside each stage and rerun ends byte-identical to an uninterrupted one")
    func killAndResume() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.plm), "no plm at \(Self.plm)")
        // One corpus and pipeline for every run: document ids and fingerprints name their paths.
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try Self.run(root) == (0, false))
        try FileManager.default.moveItem(atPath: root + "/out", toPath: root + "/reference")
        let expected = try Self.outputs(root + "/reference")
        #expect(expected.keys.contains("train/two/checkpoints/step-00000006/model.safetensors"))
        #expect(expected.keys.contains("eval/two/eval.json") && expected.keys.contains("pack/two/train/index.json"))

        // (point, how many times it is passed before the kill). The default test run takes three;
        // scripts/kill-test (PLM_KILL_TEST=full) takes every stage, several mid-write points and more disks.
        let full = ProcessInfo.processInfo.environment["PLM_KILL_TEST"] == "full"
        let kills: [(String, Int)] = full
            ? [("task:ingest", 1), ("task:ingest", 3), ("commit", 1), ("commit", 4), ("commit", 12), ("commit", 30),
               ("commit", 60), ("task:dedup/signatures", 1), ("task:dedup/buckets", 5), ("task:dedup/cluster", 1),
               ("task:dedup/remove", 3), ("task:filter", 2), ("task:tokenizer", 1), ("task:pack", 1), ("task:pack", 2),
               ("task:eval/baselines", 1), ("checkpoint", 1), ("checkpoint", 2), ("checkpoint", 3), ("checkpoint", 4),
               ("checkpoint", 5), ("task:train/one", 1), ("task:eval/one", 1), ("task:train/two", 1), ("task:eval/two", 1)]
            : [("commit", 4), ("task:filter", 2), ("checkpoint", 5)]
        for (point, after) in kills {
            try Self.killAndCompare(root, point: point, after: after, expected: expected, report: full ? "" : nil)
        }

        // A full disk (every write from the N-th on fails with ENOSPC): the run stops with an error naming
        // the file, no task is taken as done with a half-written output, and once space is back the rerun
        // completes with the same bytes.
        for after in full ? [1, 2, 10, 40, 80, 120, 200] : [40] {
            try? FileManager.default.removeItem(atPath: root + "/out")
            let disk = try Self.runCapturing(root, environment: ["PLM_FAIL_AT": "write", "PLM_FAIL_AFTER": String(after)])
            #expect(disk.status != 0 && !disk.killed, "write x\(after): the run did not fail")
            #expect(disk.errors.contains("No space left on device (injected by PLM_FAIL_AT=write)"), "write x\(after): \(disk.errors)")
            #expect(disk.errors.contains(root + "/out/"), "write x\(after): the error names no file: \(disk.errors)")
            let leftovers = FileManager.default.enumerator(atPath: root + "/out")?.compactMap { $0 as? String }.filter { $0.hasSuffix(".tmp") } ?? []
            #expect(leftovers.isEmpty, "write x\(after): temporary files left: \(leftovers)")
            #expect(try Self.run(root) == (0, false), "write x\(after): the rerun failed")
            let got = try Self.outputs(root + "/out")
            let same = Set(got.keys) == Set(expected.keys) && expected.keys.allSatisfy { got[$0] == expected[$0] }
            #expect(same, "write x\(after): outputs differ from the uninterrupted run")
            if full {
                let line = disk.errors.split(separator: "\n").first { $0.contains("No space left") } ?? ""
                print("kill-test: disk full from write \(after): \(line.prefix(160)); rerun identical: \(same)")
            }
        }
    }

    /// The post-training run (SFT, DPO on packed pairs, two ARIES rounds) killed while a round has sampled
    /// its answers but not trained on them, inside the rounds' DPO steps, and before the phase's marker:
    /// the rerun resumes from what the killed run kept (the rounds' files, the phase's checkpoints) and
    /// ends byte-identical to an uninterrupted run, every round's answers, pairs and scores included.
    @Test("a run killed inside ARIES rounds and rerun ends byte-identical to an uninterrupted one")
    func killInsideAries() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.plm), "no plm at \(Self.plm)")
        let root = try PostTrainingRunTests.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try Self.run(root) == (0, false))
        try FileManager.default.moveItem(atPath: root + "/out", toPath: root + "/reference")
        let expected = try Self.outputs(root + "/reference")
        #expect(expected.keys.contains("align/aries/round-1/pairs.jsonl") && expected.keys.contains("eval/aries/eval.json"))
        // A checkpoint every DPO step (`checkpoint:dpo` counts that phase's); the ARIES rounds here make no
        // pair (plm-tiny gets no sum right), so their kill points are the round's sampling and the markers.
        let full = ProcessInfo.processInfo.environment["PLM_KILL_TEST"] == "full"
        let kills: [(String, Int)] = full
            ? [("aries:sampled", 1), ("aries:sampled", 2), ("checkpoint:dpo", 1), ("task:train/aries", 1), ("task:eval/aries", 1)]
            : [("checkpoint:dpo", 1)]
        for (point, after) in kills {
            try Self.killAndCompare(root, point: point, after: after, expected: expected, report: full ? " in the ARIES run" : nil)
        }
    }
}
