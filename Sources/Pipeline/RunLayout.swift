import Stages

/// Every folder of a run, named once: each stage's output, its task bookkeeping (StageLayout), its
/// fingerprint and the run's lock. Stages and commands take their paths from here, so that a
/// setting such as `tokenizer.output` moves the folder for every reader at once.
public struct RunLayout: Sendable {
    /// Absolute output root (`output:` of the pipeline).
    public let root: String
    /// The tokenizer folder: `tokenizer.output`, else `<root>/tokenizer`.
    public let tokenizerFolder: String

    public init(root: String, tokenizerFolder: String? = nil) {
        self.root = root
        self.tokenizerFolder = tokenizerFolder ?? root + "/tokenizer"
    }

    /// The layout of `pipeline`'s run (its `tokenizer:` section decides the tokenizer folder).
    public init(pipeline: PipelineConfig) throws {
        self.init(root: pipeline.output, tokenizerFolder: try TokenizerConfig.load(from: pipeline).output)
    }

    public func stage(_ name: String) -> StageLayout { StageLayout(root: root, stage: name) }

    /// `plm make-sft`'s chat records, one JSONL per generated source, and its evaluation sets.
    public var makeSFTFolder: String { root + "/make-sft" }
    public func generatedRecords(source: String) -> String { makeSFTFolder + "/sources/" + source + ".jsonl" }
    public func generatedEvaluation(name: String) -> String { makeSFTFolder + "/evaluations/" + name + ".jsonl" }

    public var ingestOutput: String { root + "/ingest" }
    public var dedupOutput: String { root + "/dedup/output" }
    public var filterOutput: String { root + "/filter/output" }
    /// Documents kept by decontamination, and the ones it removed or cut (listed with their n-gram).
    public var decontaminateFolder: String { root + "/decontaminate" }
    public var decontaminateOutput: String { decontaminateFolder + "/output" }
    public var tokenizerJSON: String { tokenizerFolder + "/tokenizer.json" }

    public func packFolder(phase: String) -> String { root + "/pack/" + phase }
    public func packTrain(phase: String) -> String { packFolder(phase: phase) + "/train" }
    public func packValidation(phase: String) -> String { packFolder(phase: phase) + "/val" }

    public func trainFolder(phase: String) -> String { root + "/train/" + phase }
    public func checkpoints(phase: String) -> String { trainFolder(phase: phase) + "/checkpoints" }
    /// A preference phase's rounds: `<root>/align/<phase>/round-<r>/` (answers, scores, pairs, shards).
    public func alignFolder(phase: String) -> String { root + "/align/" + phase }
    public func alignRound(phase: String, round: Int) -> String { alignFolder(phase: phase) + "/round-\(round)" }

    /// `<root>/fingerprints/<node>.json` (a node name may hold a `/`: `pack/anneal`).
    public func fingerprintPath(node: String) -> String { root + "/fingerprints/" + node + ".json" }
    /// Wall time, CPU time and peak memory of a node's last run.
    public func resourcesPath(node: String) -> String { root + "/resources/" + node + ".json" }
    /// The stages of the last `plm run` and their tasks, for `plm status` (which has no pipeline file).
    public var planPath: String { root + "/run.json" }
    /// Held (flock) by the process running the pipeline.
    public var lockPath: String { root + "/.lock" }
}
