import CorpusIO
import Curation
import Foundation
import PLMModel
import Shards
import Stages
import Testing
@testable import Pipeline

/// The post-training part of a run on a tiny corpus: make-sft writes a generated arithmetic source and
/// its held-out set, decontamination drops the prose file planted with a held-out prompt, an SFT phase
/// trains on assistant tokens, a DPO phase trains on packed pairs, an ARIES phase samples, scores and
/// keeps its rounds, every phase is scored on the held-out set, and a rerun does nothing.
@Suite("Post-training run", .serialized)
struct PostTrainingRunTests {
    static let heldOut = ArithmeticTask(digits: 1...1).problems(count: 5, seed: 3, split: .heldout)

    static func makeRun() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-post-\(UUID().uuidString)").path
        let words = ["the", "river", "bank", "of", "a", "small", "town", "runs", "past", "old", "mills", "and",
                     "green", "fields", "where", "children", "play", "in", "summer", "with", "their", "dogs",
                     "that", "have", "to", "be", "stone", "bridge", "market", "baker", "morning", "bread"]
        var state: UInt64 = 777
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        for index in 0..<12 {
            var text = ""
            for _ in 0..<8 {
                let line = (0..<(8 + next() % 8)).map { _ in words[next() % words.count] }.joined(separator: " ")
                text += line.prefix(1).uppercased() + line.dropFirst() + ".\n"
            }
            if index == 5 { text += "A quiz from the test set: " + heldOut[0].prompt + "\n" }
            try write(text, to: "\(root)/prose/doc\(index).txt")
        }
        var pairs = ""
        for index in 0..<6 {
            pairs += #"{"prompt":"Say \#(index)","chosen":"\#(index)","rejected":"\#(index + 1)"}"# + "\n"
        }
        pairs += #"{"prompt":"Say 9","chosen":"9","rejected":"9"}"# + "\n"      // no preference: dropped and counted
        try write(pairs, to: root + "/prefs/pairs.jsonl")
        try write("""
            name: m
            sources:
              - {name: prose, paths: prose, domain: prose}
              - {name: sums, generate: arithmetic, digits: 1, examples: 60, seed: 1, domain: chat}
              - {name: prefs, paths: prefs, kind: jsonl, domain: chat}
            evaluations:
              - {name: sums-heldout, generate: arithmetic, digits: 1, examples: 5, seed: 3}
            phases:
              - {name: base, kind: pretrain, tokens: 2K, weights: {prose: 1}}
              - {name: sft, kind: sft, tokens: 2K, weights: {sums: 1}}
              - {name: dpo, kind: preference, weights: {prefs: 1}}
              - {name: aries, kind: preference, prompts: sums}
            """, to: root + "/m.yaml")
        try write("""
            name: post
            manifest: m.yaml
            output: \(root)/out
            workers: 2
            ingest: {tasks: 2}
            dedup: {minhash: {skip_domains: [chat]}}
            filters:
              word_tokenizer: whitespace
              by_domain: {default: [gopher_quality], chat: []}
              gopher_quality: {min_doc_words: 5}
            tokenizer: {vocab_size: 300, preset: qwen2}
            pack: {seq_len: 48, val_fraction: 0.2}
            model:
              config: tiny.json
              seed: 1
              sequence_length: 48
              micro_batch: 2
              batch_tokens: 96
              threads: 1
              validation_interval: 0
              checkpoint_interval: 1
            schedule:
              peak_lr: 0.003
              floor_lr: 0.001
              warmup_steps: 1
              phases:
                - {name: base, segment: stable, steps: 2}
                - {name: sft, segment: constant, steps: 2}
                - {name: dpo, segment: constant, steps: 2}
                - {name: aries, segment: constant, steps: 2}
            align: {rounds: 2, prompts_per_round: 3, samples: 2, max_tokens: 4, pairs_per_step: 2}
            eval: {max_samples: 4, prompts: ["the river"], max_tokens: 4, task_max_tokens: 6}
            """, to: root + "/p.yaml")
        try HFConfigFile(config: PLMConfig(hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2, kvLoraRank: 16,
                                           qkNopeHeadDim: 8, qkRopeHeadDim: 4, vHeadDim: 8, intermediateSize: 64,
                                           vocabSize: 300, maxPositionEmbeddings: 160)).write(to: root + "/tiny.json")
        return root
    }

    static func write(_ text: String, to path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The graph's runner as the stage-graph tests drive it (the nodes that ran, in order).
    @discardableResult
    static func run(_ root: String) throws -> [String] { try StageGraphTests.run(root) }

    @Test("make-sft, decontaminate, SFT, DPO and ARIES phases run, are scored, and resume to nothing")
    func postTrainingPhases() throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ran = try Self.run(root)
        #expect(ran == ["make-sft", "ingest", "dedup", "filter", "decontaminate", "tokenizer", "pack/base", "pack/sft",
                        "pack/dpo", "eval/baselines", "train/base", "eval/base", "train/sft", "eval/sft", "train/dpo",
                        "eval/dpo", "train/aries", "eval/aries"])
        let out = root + "/out"
        // make-sft: the generated source and the held-out set, which share no problem.
        let held = try TaskEvaluation.items(of: try #require(try Manifest.load(path: root + "/m.yaml").evaluation(named: "sums-heldout")),
                                            layout: RunLayout(root: out))
        #expect(held.map(\.prompt) == Self.heldOut.map(\.prompt))
        let train = String(decoding: try FileInput.readAll(path: out + "/make-sft/sources/sums.jsonl"), as: UTF8.self)
        #expect(train.split(separator: "\n").count >= 40)
        // Decontamination: the planted prose file is gone, listed with the held-out prompt it repeats.
        let stats = try StageLayout(root: out, stage: "decontaminate").allStats()
        let dropped = stats.compactMap { $0.sources["prose"]?.skipped["contaminated/sums-heldout"] }.reduce(0, +)
        #expect(dropped == 1)
        let removed = try FileSystem.list(out + "/decontaminate/removed/prose").map { name in
            String(decoding: try FileInput.readAll(path: out + "/decontaminate/removed/prose/" + name)
                .withUnsafeBytes { try ZstdDecompressor.decompress($0) }, as: UTF8.self)
        }.joined()
        #expect(removed.contains("prose/doc5.txt") && removed.contains(#""evaluation_sets":["sums-heldout"]"#))
        // Packing dropped the pair whose answers are the same.
        let dpoPhase = try PhaseReport.load(directory: out + "/pack/dpo")
        #expect(dpoPhase.rejectedReasons["chosen equals rejected"] == 1)
        // DPO metrics per step, and ARIES rounds kept whole.
        let metrics = String(decoding: try FileInput.readAll(path: out + "/train/dpo/metrics.jsonl"), as: UTF8.self)
        #expect(metrics.split(separator: "\n").count == 2 && metrics.contains("\"reward_margin\""))
        for round in 0..<2 {
            let folder = out + "/align/aries/round-\(round)"
            let summary = try #require(try AriesRound.readLines(AriesRoundSummary.self, from: folder + "/summary.json").first)
            #expect(summary.prompts == 3 && summary.answers == 6)
            let answers = try AriesRound.readLines(AriesRecord.self, from: folder + "/answers.jsonl")
            #expect(answers.count == 3 && answers.allSatisfy { $0.answers.count == 2 && $0.answers.allSatisfy { $0.refined != nil } })
            #expect(FileSystem.exists(folder + "/pairs.jsonl"))
            let scores = try JSONDecoder().decode([String: TaskScore].self,
                                                  from: Data(contentsOf: URL(fileURLWithPath: folder + "/evaluation.json")))
            #expect(scores["sums-heldout"]?.total == 5)
        }
        #expect(Checkpoint.latest(in: out + "/train/aries/checkpoints").map { (try? Checkpoint.progress(of: $0).step) ?? -1 } == 8)
        // Every phase is scored on the held-out set.
        for phase in ["base", "sft", "dpo", "aries"] {
            let evaluation = try JSONDecoder().decode(PhaseEvaluation.self,
                                                      from: Data(contentsOf: URL(fileURLWithPath: out + "/eval/\(phase)/eval.json")))
            let score = try #require(evaluation.tasks["sums-heldout"])
            #expect(score.total == 5 && score.low <= score.accuracy && score.accuracy <= score.high)
            #expect(score.outcomes?.count == 5 && score.outcomes?.filter { $0 == "1" }.count == score.correct)
        }
        let report = try RunReport.build(root: out)
        #expect(report.report.alignRounds["aries"]?.count == 2 && report.report.alignScores["aries"]?.count == 2)
        // Each round and the phase, item by item against the phase the preference phase started from.
        let margins = report.report.preferenceMargins(task: "sums-heldout")
        #expect(margins.map(\.label) == ["aries round 0", "aries"] && margins.allSatisfy { $0.baseline == "dpo" })
        #expect(margins.allSatisfy { $0.difference.items == 5 })
        #expect(report.report.summaryText.contains("aries round 0 against dpo: "))
        #expect(String(decoding: try FileInput.readAll(path: report.html), as: UTF8.self).contains("Held-out tasks"))
        // scripts/test opens this page (every section, the post-training ones included) in headless Chromium
        // (scripts/check-report).
        if let keep = ProcessInfo.processInfo.environment["PLM_KEEP_REPORT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: report.html, toPath: keep)
        }
        #expect(try Self.run(root).isEmpty)
    }
}
