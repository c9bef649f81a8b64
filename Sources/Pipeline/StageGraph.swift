import CorpusIO
import Curation
import Foundation
import PLMModel
import Shards
import Stages

/// One stage of a run as the graph sees it: what it reads, what decides its output, and which task
/// stages' completion markers say it is done.
public struct StageNode: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Chat records and evaluation sets generated from local material (`generate:` in the manifest).
        case makeSFT
        case ingest, dedup, filter
        /// Training documents sharing an n-gram with an evaluation set removed.
        case decontaminate
        case tokenizer
        case pack(phase: String, task: Int)
        case train(phase: String)
        /// A preference phase: DPO against the frozen starting checkpoint, on packed pairs or on pairs
        /// made by ARIES rounds as it trains.
        case preference(phase: String)
        /// A trained phase's final checkpoint on every val split, and its generations.
        case evaluate(phase: String)
        /// The unigram and untrained models on every val split.
        case baselines
    }

    /// `make-sft`, `ingest`, `dedup`, `filter`, `decontaminate`, `tokenizer`, `pack/<phase>`, `train/<phase>`,
    /// `eval/<phase>`.
    public var name: String
    public var kind: Kind
    /// Names of the nodes whose output this one reads.
    public var inputs: [String]
    /// The fingerprint the node's output would have if it ran now (inputs filled in by the graph).
    public var fingerprint: StageFingerprint
    /// Task stages (bookkeeping folder names) and the tasks of each that make up this node.
    public var parts: [Part]
    /// Folders written only by this node: removed when the node is stale, before it reruns.
    public var outputs: [String]
    /// Folders or files this node reads, for the plan's input sizes.
    public var reads: [String]

    public struct Part: Codable, Sendable, Equatable {
        public var stage: String
        public var tasks: [Int]
    }

    /// The group `--from`, `--until` and `--only` may name instead of the node (`pack` for `pack/x`).
    public var group: String { name.split(separator: "/").first.map(String.init) ?? name }
}

/// The declared stages of a run, in the order they run: make-sft (when the manifest generates data),
/// ingest, dedup (when on), filter, decontaminate (when the manifest names evaluation sets), tokenizer,
/// one pack node per packed phase, one training and one evaluation node per schedule phase. The local executor (`GraphRunner`)
/// runs it; a cluster executor runs the same nodes as jobs.
public struct StageGraph: Sendable {
    public var layout: RunLayout
    public var nodes: [StageNode]

    /// Format versions of each stage's output; bump one when its code writes different bytes.
    public enum Format {
        public static let ingest = 1, dedup = 1, filter = 1, tokenizer = 1, pack = 2, train = 1, evaluate = 2
        public static let makeSFT = 4, decontaminate = 2, preference = 2
    }

    public func node(named name: String) -> StageNode? { nodes.first { $0.name == name } }

    /// Builds the graph of `pipeline` over `manifest`; walks the manifest's paths once (the ingest
    /// node's fingerprint covers every input file's path, size and modification time).
    public init(pipeline: PipelineConfig, manifest: Manifest) throws {
        layout = try RunLayout(pipeline: pipeline)
        nodes = []
        let settings = pipeline.settings
        func section(_ prefix: String, except: Set<String> = []) -> [String: String] {
            settings.filter { $0.key.hasPrefix(prefix + ".") && !except.contains($0.key) }
        }
        func manifestPart(_ prefix: String) -> [String: String] {
            manifest.settings.filter { $0.key.hasPrefix(prefix + ".") }
        }
        let ingestTasks = pipeline.ingest.tasks
        /// The path, size and modification time of every file the specs name now, hashed.
        func listingHash(_ specs: [SourceSpec]) -> String {
            var listing = ""
            for input in IngestPlan(sources: specs).inputs {
                listing += "\(input.sourceIndex)\t\(input.file.path)\t\(input.file.size)\t\(input.file.modificationTime)\n"
            }
            return Array(listing.utf8).withUnsafeBytes { XXHash.xxh3_128($0).description }
        }

        // make-sft: the generated sources and evaluation sets as written, and the files they read now.
        let generated = manifest.sources.filter { $0.generated != nil }
        let makesData = manifest.hasGeneratedData
        if makesData {
            var makeSettings = manifestPart("evaluations")
            for source in generated { makeSettings.merge(manifestPart("sources.\(source.name)")) { a, _ in a } }
            add(StageNode(name: "make-sft", kind: .makeSFT, inputs: [],
                          fingerprint: StageFingerprint(node: "make-sft", format: Format.makeSFT, settings: makeSettings,
                                                        inputs: ["files": listingHash(generated.map(\.spec))]),
                          parts: [.init(stage: MakeSFTRunner.stageName, tasks: [0])],
                          outputs: [layout.makeSFTFolder], reads: generated.flatMap(\.spec.paths)))
        }

        // ingest: the sources as written and the files they name now (a generated source's file is
        // make-sft's output, covered by its fingerprint).
        let read = manifest.sources.filter { $0.generated == nil }.map(\.spec)
        add(StageNode(name: "ingest", kind: .ingest, inputs: makesData ? ["make-sft"] : [],
                      fingerprint: StageFingerprint(node: "ingest", format: Format.ingest,
                                                    settings: section("ingest").merging(manifestPart("sources")) { a, _ in a },
                                                    inputs: ["files": listingHash(read)]),
                      parts: [.init(stage: "ingest", tasks: Array(0..<ingestTasks))],
                      outputs: [layout.ingestOutput], reads: manifest.ingestSpecs(layout: layout).flatMap(\.paths)))

        // dedup: its section, and the sources' order (the kept copy's priority) and domains.
        var sourcesSeen = ["sources.order": manifest.sources.map(\.name).joined(separator: ",")]
        for source in manifest.sources { sourcesSeen["sources.\(source.name).domain"] = source.spec.domain }
        var documents = "ingest"
        if pipeline.dedup.exact || pipeline.dedup.minhash {
            let dedup = DedupLayout(root: layout.root, ingestTasks: ingestTasks, config: pipeline.dedup)
            add(StageNode(name: "dedup", kind: .dedup, inputs: ["ingest"],
                          fingerprint: StageFingerprint(node: "dedup", format: Format.dedup,
                                                        // The clustering buffer decides memory, not output.
                                                        settings: section("dedup", except: ["dedup.cluster_buffer"])
                                                            .merging(sourcesSeen) { a, _ in a },
                                                        inputs: [:]),
                          parts: [.init(stage: SignatureStage.stageName, tasks: Array(0..<ingestTasks)),
                                  .init(stage: BucketStage.stageName, tasks: Array(0..<dedup.bucketTasks)),
                                  .init(stage: ClusterStage.stageName, tasks: [0]),
                                  .init(stage: RemoveStage.stageName, tasks: Array(0..<ingestTasks))],
                          outputs: [layout.root + "/dedup"], reads: [layout.ingestOutput]))
            documents = "dedup"
        }

        add(StageNode(name: "filter", kind: .filter, inputs: [documents],
                      fingerprint: StageFingerprint(node: "filter", format: Format.filter,
                                                    settings: section("filters").merging(sourcesSeen) { a, _ in a },
                                                    inputs: [:]),
                      parts: [.init(stage: FilterStage.stageName, tasks: Array(0..<ingestTasks))],
                      outputs: [layout.root + "/filter"],
                      reads: [documents == "dedup" ? layout.dedupOutput : layout.ingestOutput]))

        // decontaminate: its section, the evaluation sets as written and the files they are read from.
        var curated = "filter"
        var curatedFolder = layout.filterOutput
        if try pipeline.decontaminates(manifest) {
            let files = manifest.evaluations.compactMap(\.path).map { path in
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                return "\(path)\t\(attributes?[.size] ?? -1)\t\(attributes?[.modificationDate] ?? "-")"
            }.joined(separator: "\n")
            var inputs = ["filter"]
            if makesData { inputs.append("make-sft") }
            add(StageNode(name: "decontaminate", kind: .decontaminate, inputs: inputs,
                          fingerprint: StageFingerprint(node: "decontaminate", format: Format.decontaminate,
                                                        settings: section("decontaminate").merging(manifestPart("evaluations")) { a, _ in a }
                                                            .merging(sourcesSeen) { a, _ in a },
                                                        inputs: ["evaluation_files": Array(files.utf8).withUnsafeBytes { XXHash.xxh3_128($0).description }]),
                          parts: [.init(stage: TrainingDocuments.decontaminated.stage, tasks: Array(0..<ingestTasks))],
                          outputs: [layout.decontaminateFolder], reads: [layout.filterOutput]))
            curated = "decontaminate"
            curatedFolder = layout.decontaminateOutput
        }

        // tokenizer: its section and what decides its sample (the first pretraining phase's weights).
        // The counting buffer decides memory, not output; the task count is the default's when unset.
        var tokenizerSettings = section("tokenizer", except: ["tokenizer.count_buffer"]).merging(sourcesSeen) { a, _ in a }
        let tokenizerConfig = try TokenizerConfig.load(from: pipeline)
        let countTasks = tokenizerConfig.countTasks ?? ingestTasks
        tokenizerSettings["tokenizer.count_tasks"] = String(countTasks)
        if let first = manifest.phases.first(where: { $0.kind == .pretrain }) {
            tokenizerSettings.merge(manifestPart("phases.\(first.name).weights")) { a, _ in a }
        }
        add(StageNode(name: "tokenizer", kind: .tokenizer, inputs: [curated],
                      fingerprint: StageFingerprint(node: "tokenizer", format: Format.tokenizer,
                                                    settings: tokenizerSettings, inputs: [:]),
                      // The folder may be the user's own (tokenizer.output): rewritten, never removed.
                      parts: [.init(stage: TokenizerCounts.stageName, tasks: Array(0..<countTasks)),
                              .init(stage: TokenizerRunner.stageName, tasks: [0])],
                      outputs: [TokenizerCounts.folder(root: layout.root)],
                      reads: [curatedFolder]))

        guard !manifest.phases.isEmpty else { return }
        let packed = pipeline.pack.phases ?? manifest.packedPhases.map(\.name)
        for name in packed where manifest.phase(named: name) == nil {
            throw ExecutorError(message: "pack.phases names '\(name)', which is not a phase of \(manifest.path) "
                + "(phases: \(manifest.phases.map(\.name).joined(separator: ", ")))")
        }
        for (task, phase) in packed.enumerated() {
            var packSettings = section("pack", except: ["pack.plan_buffer"]).merging(manifestPart("phases.\(phase)")) { a, _ in a }
            packSettings["pack.task"] = String(task)
            if manifest.phase(named: phase)!.makesOwnPairs {
                throw ExecutorError(message: "pack.phases names '\(phase)', a preference phase that makes its own pairs "
                    + "(prompts: \(manifest.phase(named: phase)!.prompts!)): it has nothing to pack")
            }
            add(StageNode(name: "pack/\(phase)", kind: .pack(phase: phase, task: task), inputs: [curated, "tokenizer"],
                          fingerprint: StageFingerprint(node: "pack/\(phase)", format: Format.pack,
                                                        settings: packSettings, inputs: [:]),
                          parts: [.init(stage: PackStage.stageName, tasks: [task])],
                          outputs: [layout.packFolder(phase: phase)],
                          reads: [curatedFolder, layout.tokenizerJSON]))
        }

        guard pipeline.reserved["schedule"] != nil else { return }
        let schedule = try pipeline.scheduleSettings().phasedSchedule(file: pipeline.path)
        var modelSettings = section("model", except: ["model.threads"])
        if let path = try pipeline.modelSettings().configPath {
            // The shape comes from a file: its bytes decide the model, not its name.
            let bytes = (try? FileInput.readAll(path: path)) ?? []
            modelSettings["model.config_file"] = bytes.withUnsafeBytes { XXHash.xxh3_128($0).description }
        }
        // Evaluation sets are scored after every phase: their definitions decide the result too.
        let evalSettings = section("eval").merging(manifestPart("evaluations")) { a, _ in a }
        let evaluationInputs = makesData ? ["make-sft"] : []
        // The untrained baseline depends on the model's shape and seed only.
        let untrainedModel = modelSettings.filter {
            ["model.preset", "model.config", "model.config_file", "model.vocab_size", "model.seed"].contains($0.key)
        }
        let packNodes = packed.map { "pack/\($0)" }
        add(StageNode(name: "eval/baselines", kind: .baselines, inputs: packNodes + ["tokenizer"],
                      fingerprint: StageFingerprint(node: "eval/baselines", format: Format.evaluate,
                                                    settings: evalSettings.merging(untrainedModel) { a, _ in a },
                                                    inputs: [:]),
                      parts: [.init(stage: "eval/baselines", tasks: [0])], outputs: [layout.root + "/eval/baselines"],
                      reads: packed.map { layout.packFolder(phase: $0) }))
        var previous: String?
        for phase in schedule.phases {
            let declared = manifest.phase(named: phase.name)
            let ownPairs = declared?.makesOwnPairs ?? false
            guard packed.contains(phase.name) || ownPairs else {
                throw ExecutorError(message: "schedule phase '\(phase.name)' has no packed data: it is not among the "
                    + "phases to pack (\(packed.joined(separator: ", ")))")
            }
            let steps = schedule.range(ofPhase: phase.name)!
            var trainSettings = modelSettings
            trainSettings["schedule.steps"] = "\(steps.lowerBound)..<\(steps.upperBound)"
            // The learning rate of every step of the phase: the whole curve as this phase sees it.
            let rates = steps.map { String(schedule.schedule.learningRate(at: $0)) }.joined(separator: ",")
            trainSettings["schedule.learning_rates"] = Array(rates.utf8).withUnsafeBytes { XXHash.xxh3_128($0).description }
            let name = "train/\(phase.name)"
            if declared?.kind == .preference {
                // The rounds' prompts come from the curated documents; the reference is the previous phase.
                trainSettings.merge(section("align")) { a, _ in a }
                trainSettings.merge(manifestPart("phases.\(phase.name)")) { a, _ in a }
                let data = ownPairs ? [curated, "tokenizer"] : ["pack/\(phase.name)"]
                add(StageNode(name: name, kind: .preference(phase: phase.name), inputs: data + (previous.map { [$0] } ?? []),
                              fingerprint: StageFingerprint(node: name, format: Format.preference, settings: trainSettings,
                                                            inputs: [:]),
                              parts: [.init(stage: name, tasks: [0])],
                              outputs: [layout.trainFolder(phase: phase.name), layout.alignFolder(phase: phase.name)],
                              reads: ownPairs ? [curatedFolder] : [layout.packTrain(phase: phase.name)]))
            } else {
                add(StageNode(name: name, kind: .train(phase: phase.name),
                              inputs: ["pack/\(phase.name)"] + (previous.map { [$0] } ?? []),
                              fingerprint: StageFingerprint(node: name, format: Format.train, settings: trainSettings,
                                                            inputs: [:]),
                              parts: [.init(stage: name, tasks: [0])], outputs: [layout.trainFolder(phase: phase.name)],
                              reads: [layout.packTrain(phase: phase.name), layout.packValidation(phase: phase.name)]))
            }
            let evaluation = "eval/\(phase.name)"
            add(StageNode(name: evaluation, kind: .evaluate(phase: phase.name), inputs: [name] + packNodes + evaluationInputs,
                          fingerprint: StageFingerprint(node: evaluation, format: Format.evaluate, settings: evalSettings,
                                                        inputs: [:]),
                          parts: [.init(stage: evaluation, tasks: [0])], outputs: [layout.root + "/" + evaluation],
                          reads: [layout.checkpoints(phase: phase.name)] + packed.map { layout.packValidation(phase: $0) }))
            previous = name
        }
    }

    /// Appends `node`, filling its inputs' fingerprints from the nodes already added.
    private mutating func add(_ node: StageNode) {
        var node = node
        for input in node.inputs { node.fingerprint.inputs[input] = self.node(named: input)!.fingerprint.value }
        nodes.append(node)
    }
}
