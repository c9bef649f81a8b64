import CorpusIO
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PLMModel
import Shards
import Stages
import Synchronization
import Testing
import Tokenization
@testable import Pipeline

/// The run as one graph: every stage from ingest to the last training phase on a tiny corpus, which
/// stages a changed setting reruns, the plan, the lock and the refusal of a stage whose input is missing.
@Suite("Stage graph", .serialized)
struct StageGraphTests {
    private static func write(_ text: String, to path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Sixty short prose files in two sources (seeded random sentences), ten of them copied into both.
    private static func makeCorpus(in folder: String) throws {
        let words = ["the", "river", "bank", "of", "a", "small", "town", "runs", "past", "old", "mills", "and",
                     "green", "fields", "where", "children", "play", "in", "summer", "with", "their", "dogs",
                     "that", "have", "to", "be", "stone", "bridge", "market", "baker", "morning", "bread",
                     "letters", "from", "north", "winter", "snow", "lamp", "window", "quiet", "street", "song"]
        var state: UInt64 = 12345
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        var texts: [String] = []
        for _ in 0..<50 {
            var text = ""
            for _ in 0..<8 {
                let sentence = (0..<(8 + next() % 8)).map { _ in words[next() % words.count] }
                let line = sentence.joined(separator: " ")
                text += line.prefix(1).uppercased() + line.dropFirst() + ".\n"
            }
            texts.append(text)
        }
        for index in 0..<60 {
            try write(texts[index % 50], to: "\(folder)/\(index % 2 == 0 ? "a" : "b")/doc\(index).txt")
        }
    }

    static let manifest = """
        name: m
        sources:
          - {name: a, paths: a, domain: prose}
          - {name: b, paths: b, domain: prose}
        phases:
          - {name: one, kind: pretrain, tokens: 2K, weights: {a: 1, b: 1}}
          - {name: two, kind: pretrain, tokens: 2K, weights: {a: 1, b: 2}}
        """

    static func pipeline(root: String) -> String {
        """
        name: g
        manifest: m.yaml
        output: \(root)/out
        workers: 2
        ingest: {tasks: 2}
        filters:
          word_tokenizer: whitespace
          by_domain: {default: [gopher_quality]}
          gopher_quality: {min_doc_words: 5}
        tokenizer: {vocab_size: 300, preset: gpt2}
        pack: {seq_len: 16, val_fraction: 0.1}
        model:
          config: tiny.json
          seed: 1
          sequence_length: 16
          micro_batch: 2
          batch_tokens: 32
          threads: 1
          validation_interval: 0
          checkpoint_interval: 1
        schedule:
          peak_lr: 0.003
          floor_lr: 0.0003
          warmup_steps: 1
          phases:
            - {name: one, segment: stable, steps: 2}
            - {name: two, segment: decay, steps: 2}
        """
    }

    /// Runs the graph; returns the nodes that ran (not skipped) in order.
    @discardableResult
    static func run(_ root: String, _ selection: GraphRunner.Selection = .init()) throws -> [String] {
        let loaded = try PipelineConfig.loadWithManifest(path: root + "/p.yaml")
        let ran = Mutex<[String]>([])
        let hooks = GraphRunner.Hooks(
            say: { line in
                if let range = line.range(of: ": done in ") { ran.withLock { $0.append(String(line[..<range.lowerBound])) } }
            },
            workers: 2,
            loadEncoder: { path in
                let bytes = try FileInput.readAll(path: path)
                return (try BPETokenizer(model: TokenizerFileReader.parse(Data(bytes), path: path)), "test")
            },
            train: { path, phase, _ in try trainPhase(pipelinePath: path, phase: phase) })
        try GraphRunner(pipeline: loaded.pipeline, manifest: loaded.manifest, hooks: hooks).run(selection)
        return ran.withLock { $0 }
    }

    static let tinyShape = PLMConfig(hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2, kvLoraRank: 16,
                                     qkNopeHeadDim: 8, qkRopeHeadDim: 4, vHeadDim: 8, intermediateSize: 64,
                                     vocabSize: 300, maxPositionEmbeddings: 64)

    /// What `plm train PIPELINE --phase P` does, without its console display.
    static func trainPhase(pipelinePath: String, phase: String) throws {
        let pipeline = try PipelineConfig.load(path: pipelinePath)
        let vocabulary = try TrainVocabulary.size(tokenizerJSON: RunLayout(pipeline: pipeline).tokenizerJSON)
        let plan = try TrainRunner.plan(pipeline: pipeline, phase: phase, tokenizerVocabSize: vocabulary,
                                        preset: { _ in nil })
        let source = try ShardBatchSource(directory: plan.trainData, seed: plan.model.seed)
        _ = try TrainRunner.run(plan: plan, source: source, validationBatches: [], peakGFLOPs: nil, say: { _ in },
                                observer: { _ in })
    }

    private static func makeRun() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-graph-\(UUID().uuidString)").path
        try makeCorpus(in: root)
        try write(manifest, to: root + "/m.yaml")
        try write(pipeline(root: root), to: root + "/p.yaml")
        try HFConfigFile(config: tinyShape).write(to: root + "/tiny.json")
        return root
    }

    private static func edit(_ path: String, _ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(old))
        try write(text.replacingOccurrences(of: old, with: new), to: path)
    }

    @Test("ingest to the last training phase; a changed setting reruns exactly its stage and those after it")
    func endToEndAndStaleness() throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let all = ["ingest", "dedup", "filter", "tokenizer", "pack/one", "pack/two", "eval/baselines",
                   "train/one", "eval/one", "train/two", "eval/two"]
        #expect(try Self.run(root) == all)
        let baselines = try JSONDecoder().decode(BaselineEvaluation.self,
                                                 from: Data(contentsOf: URL(fileURLWithPath: root + "/out/eval/baselines/eval.json")))
        let last = try JSONDecoder().decode(PhaseEvaluation.self,
                                            from: Data(contentsOf: URL(fileURLWithPath: root + "/out/eval/two/eval.json")))
        #expect(Set(baselines.unigram.keys) == ["one", "two"] && Set(last.splits.keys) == ["one", "two"])
        #expect(last.generations.count == 4 && last.generations.allSatisfy { $0.tokens >= 1 })
        // Even two steps beat the untrained model; the unigram is the bar the default run must clear.
        #expect(last.splits["two"]!.loss < baselines.untrained["two"]!.loss)
        // The report holds the same numbers, and its page is well-formed (XML-parsable, no script).
        let built = try RunReport.build(root: root + "/out")
        #expect(built.report.evaluations.map(\.phase) == ["one", "two"])
        #expect(built.report.evaluations.last == last && built.report.baselines == baselines)
        #expect(built.report.stages.count == 11 && built.report.stages.allSatisfy { $0.usage != nil })
        #expect(built.report.funnel.contains { $0.stage == "filter" } && !built.report.steps.isEmpty)
        #expect(built.report.mixtures.map(\.phase) == ["one", "two"])
        let page = try Data(contentsOf: URL(fileURLWithPath: built.html))
        let parser = XMLParser(data: page)
        #expect(parser.parse(), "report.html is not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        let html = String(decoding: page, as: UTF8.self)
        #expect(!html.contains("<script") && html.components(separatedBy: "<svg").count - 1 >= 4)
        #expect(html.contains(String(format: "%.3f", last.splits["two"]!.loss)))
        // Every phase's evaluation counts squared ReLU's zeros per layer, and the report draws them.
        let sparsity = try #require(last.splits["two"]?.ffnSparsity)
        #expect(sparsity.zeros.count == Self.tinyShape.numHiddenLayers && sparsity.overall > 0.05 && sparsity.overall < 0.95)
        var phase = last.splits["one"]!.ffnSparsity!
        phase.add(sparsity)
        #expect(html.contains("Feed-forward sparsity") && html.contains(String(format: "<td>%.1f%%</td>", 100 * phase.overall)))
        #expect(FileSystem.exists(root + "/out/report.json"))
        #expect(FileSystem.exists(root + "/out/train/two/checkpoints/step-00000004/model.safetensors"))
        #expect(FileSystem.exists(root + "/out/fingerprints/train/two.json"))
        // Checkpoints carry the tokenizer, so a checkpoint folder loads on its own.
        #expect(FileSystem.exists(root + "/out/train/two/checkpoints/step-00000004/tokenizer.json"))
        #expect(FileSystem.exists(root + "/out/train/two/checkpoints/step-00000004/tokenizer_config.json"))
        #expect(try Self.run(root).isEmpty)   // nothing changed: every stage is skipped

        // A filter threshold: filter and everything that reads it, directly or not.
        try Self.edit(root + "/p.yaml", "min_doc_words: 5", "min_doc_words: 6")
        #expect(try Self.run(root) == ["filter", "tokenizer", "pack/one", "pack/two", "eval/baselines", "train/one",
                                       "eval/one", "train/two", "eval/two"])
        // The vocabulary size: the tokenizer, packing and training.
        try Self.edit(root + "/p.yaml", "vocab_size: 300", "vocab_size: 290")
        #expect(try Self.run(root) == ["tokenizer", "pack/one", "pack/two", "eval/baselines", "train/one", "eval/one",
                                       "train/two", "eval/two"])
        // One weight of the second phase: its packing and its training, and the evaluations that read
        // its val split.
        try Self.edit(root + "/m.yaml", "weights: {a: 1, b: 2}", "weights: {a: 2, b: 1}")
        #expect(try Self.run(root) == ["pack/two", "eval/baselines", "eval/one", "train/two", "eval/two"])
        // Language weights enter the phase's fingerprint when written; these sources carry no language (no
        // language filter ran), so they are drawn whole and the shards are byte for byte what they were.
        let shard = root + "/out/pack/two/train/shard.00000.mds.zstd"
        let before = try Data(contentsOf: URL(fileURLWithPath: shard))
        try Self.edit(root + "/m.yaml", "weights: {a: 2, b: 1}}", "weights: {a: 2, b: 1}, language_weights: {en: 1}}")
        #expect(try Self.run(root) == ["pack/two", "eval/baselines", "eval/one", "train/two", "eval/two"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: shard)) == before)
        // The schedule's floor changes the decay phase's learning rates only.
        try Self.edit(root + "/p.yaml", "floor_lr: 0.0003", "floor_lr: 0.0002")
        #expect(try Self.run(root) == ["train/two", "eval/two"])
        // The plan says why a stage is stale.
        try Self.edit(root + "/p.yaml", "min_doc_words: 6", "min_doc_words: 7")
        let loaded = try PipelineConfig.loadWithManifest(path: root + "/p.yaml")
        let runner = try GraphRunner(pipeline: loaded.pipeline, manifest: loaded.manifest,
                                     hooks: GraphRunner.Hooks(say: { _ in }, workers: 1, loadEncoder: { _ in throw ExecutorError(message: "") },
                                                  train: { _, _, _ in }))
        let plan = try runner.plan(.init(until: "filter"))
        #expect(plan.count == 11)
        #expect(plan[0].contains("ingest") && plan[0].contains("skip") && plan[0].contains("done"))
        #expect(plan[2].contains("filter") && plan[2].contains("run")
            && plan[2].contains("filters.gopher_quality.min_doc_words: 6 -> 7"))
        #expect(plan[3].contains("tokenizer") && plan[3].contains("not selected") && plan[3].contains("stale: input filter changed"))
        // --only a stage whose input is stale refuses and says why.
        let refused = #expect(throws: ExecutorError.self) { try Self.run(root, .init(only: "tokenizer")) }
        #expect(refused?.message.contains("tokenizer reads filter, which is stale") == true)
        #expect(try Self.run(root, .init(until: "filter")) == ["filter"])
        // Training cannot start from packs made before that change.
        let stale = #expect(throws: ExecutorError.self) { try Self.run(root, .init(from: "train")) }
        #expect(stale?.message.contains("train/one reads pack/one, which is stale (input filter changed") == true)
        #expect(try Self.run(root) == ["tokenizer", "pack/one", "pack/two", "eval/baselines", "train/one", "eval/one",
                                       "train/two", "eval/two"])
    }

    @Test("one run per folder: a second run fails naming the holder's pid; a dead holder's lock is no obstacle")
    func lock() throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let layout = RunLayout(root: root + "/out")
        let holder = try RunLock(path: layout.lockPath)
        let error = #expect(throws: ExecutorError.self) { try Self.run(root, .init(only: "ingest")) }
        #expect(error?.message.contains("in use by another plm run (pid \(getpid()))") == true)
        holder.release()
        // A lock file left behind (its process gone) does not block.
        try Self.write("999999\n", to: layout.lockPath)
        #expect(try Self.run(root, .init(only: "ingest")) == ["ingest"])
        let status = try RunStatus(root: root + "/out")
        #expect(status.stages.map { $0.name }.first == "ingest")
        #expect(status.stages[0].tasksDone == 2 && status.stages[0].tasksTotal == 2 && status.stages[0].usage != nil)
        #expect(status.stages[1].tasksDone == 0)
        #expect(status.render().contains("ingest"))
    }

    @Test("a phase packed without a val split trains without validation, and says so")
    func noValidationSplit() throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.edit(root + "/p.yaml", "val_fraction: 0.1", "val_fraction: 0")
        try Self.run(root, .init(until: "train/one"))
        let notes = Mutex<[String]>([])
        let batches = try TrainRunner.validationBatches(folder: root + "/out/pack/one/val", count: 2, batchSize: 2,
                                                        sequenceLength: 16) { line in notes.withLock { $0.append(line) } }
        #expect(batches.isEmpty)
        #expect(notes.withLock { $0 }.first?.contains("holds no validation samples: training without validation") == true)
        #expect(FileSystem.exists(root + "/out/train/one/checkpoints/step-00000002/model.safetensors"))
        #expect(try TrainRunner.validationBatches(folder: root + "/out/pack/one/train", count: 2, batchSize: 2,
                                                  sequenceLength: 16) { _ in }.count == 2)
    }

    @Test("a stage whose input stage is incomplete refuses and names the missing tasks")
    func missingInput() throws {
        let root = try Self.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = #expect(throws: ExecutorError.self) { try Self.run(root, .init(only: "filter")) }
        #expect(error?.message.contains("filter reads dedup, which is not complete") == true)
        #expect(error?.message.contains("dedup/signatures 0") == true)
        let unknown = #expect(throws: ExecutorError.self) { try Self.run(root, .init(only: "packing")) }
        #expect(unknown?.message.contains("no stage 'packing'") == true)
    }
}

@Suite struct ReportDropOrderTests {
    @Test("drop reasons are listed by documents, ties by name, whatever the dictionary's order")
    func tiesAreOrderedByName() {
        let reasons: [String: (Int, Int)] = ["language/it": (5, 13048), "gopher_quality/gopher_too_many_hashes": (5, 18044),
                                             "c4/lorem_ipsum": (9, 10), "pii/email": (1, 7)]
        let drops = RunReport.orderedDrops(stage: "filter", reasons: reasons)
        #expect(drops.map(\.reason) == ["c4/lorem_ipsum", "gopher_quality/gopher_too_many_hashes", "language/it", "pii/email"])
        #expect(drops[1] == RunReport.Drop(stage: "filter", reason: "gopher_quality/gopher_too_many_hashes", documents: 5, bytes: 18044))
    }
}
