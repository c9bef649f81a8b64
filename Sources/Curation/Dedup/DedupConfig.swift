import CorpusIO
import Stages

/// What dedup does, as a pipeline's `dedup:` section says.
public struct DedupConfig: Sendable, Equatable {
    /// Remove documents whose text is byte-identical (xxh3-128) to another's.
    public var exact: Bool
    /// Hash the text after lowercasing and collapsing whitespace, so copies that differ only there
    /// count as exact.
    public var exactNormalize: Bool
    /// MinHash LSH near-duplicate removal.
    public var minhash: Bool
    public var minhashConfig: MinHashConfig
    /// Sources whose `domain` is listed here shingle with `Shingling.code`.
    public var codeDomains: [String]
    /// Sources whose `domain` is listed here get no MinHash signature (exact dedup still applies):
    /// templated data such as generated chat records or arithmetic problems shares most of its
    /// n-grams by design, and near-duplicate removal would keep one problem of thousands.
    public var nearDuplicateExemptDomains: [String] = []
    /// Which document of a cluster stays.
    public var keep: KeepPolicy
    /// Also write the removed documents (with their cluster and the id they duplicate).
    public var writeRemoved: Bool
    /// Memory of the clustering step's sorts (`priority` keep): pairs beyond it are sorted in runs on
    /// disk, so the step never holds all pairs or all clustered documents. Never changes the output.
    public var clusterBufferBytes = 256 << 20

    public init(exact: Bool = true, exactNormalize: Bool = false, minhash: Bool = true,
                minhashConfig: MinHashConfig = MinHashConfig(), codeDomains: [String] = [],
                keep: KeepPolicy = .priority, writeRemoved: Bool = true) {
        self.exact = exact
        self.exactNormalize = exactNormalize
        self.minhash = minhash
        self.minhashConfig = minhashConfig
        self.codeDomains = codeDomains
        self.keep = keep
        self.writeRemoved = writeRemoved
    }
}

/// The rule that picks the one document a duplicate cluster keeps.
public enum KeepPolicy: String, Sendable, Equatable, CaseIterable {
    /// The member from the source listed first in the manifest (its `priority`, lowest wins), then
    /// the smallest id in byte order. Independent of task and worker counts.
    case priority
    /// datatrove's `MinhashDedupCluster`: union by size over the pairs in bucket order, the root
    /// of the union-find tree stays. For comparisons with datatrove.
    case datatrove
}

/// A manifest source as dedup sees it.
public struct DedupSource: Sendable, Equatable {
    public var name: String
    /// Lower is preferred when choosing which copy to keep.
    public var priority: Int
    public var domain: String

    public init(name: String, priority: Int, domain: String) {
        self.name = name
        self.priority = priority
        self.domain = domain
    }
}

/// Paths of dedup's intermediates and outputs under a run root.
public struct DedupLayout: Sendable {
    public let root: String
    public let ingestTasks: Int
    public let config: DedupConfig

    public init(root: String, ingestTasks: Int, config: DedupConfig) {
        self.root = root
        self.ingestTasks = ingestTasks
        self.config = config
    }

    var folder: String { root + "/dedup" }
    func task(_ task: Int) -> String { StageLayout.taskName(task) }
    func bucketName(_ bucket: Int) -> String {
        let digits = String(bucket)
        return "bucket_" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    func signaturePath(bucket: Int, task: Int) -> String { "\(folder)/signatures/\(bucketName(bucket))/\(self.task(task)).sig" }
    func exactPath(task: Int) -> String { "\(folder)/signatures/exact/\(self.task(task)).hashes" }
    func docsPath(task: Int) -> String { "\(folder)/signatures/docs/\(self.task(task)).jsonl.zst" }
    func pairsPath(bucket: Int) -> String { "\(folder)/pairs/\(bucketName(bucket)).pairs" }
    var exactPairsPath: String { "\(folder)/pairs/exact.pairs" }
    func removedListPath(task: Int) -> String { "\(folder)/clusters/\(self.task(task)).removed.jsonl" }
    var clusterSummaryPath: String { "\(folder)/clusters/summary.json" }
    func keptPath(source: String, task: Int) -> String { "\(folder)/output/\(source)/\(self.task(task)).jsonl.zst" }
    func removedDocumentsPath(source: String, task: Int) -> String { "\(folder)/removed/\(source)/\(self.task(task)).jsonl.zst" }
    func ingestPath(source: String, task: Int) -> String { "\(root)/ingest/\(source)/\(self.task(task)).jsonl.zst" }

    /// Bucket-stage tasks: one per MinHash bucket, then one for exact hashes.
    public var bucketTasks: Int { (config.minhash ? config.minhashConfig.buckets : 0) + (config.exact ? 1 : 0) }

    /// Marks a producing task incomplete so a rerun rebuilds its (damaged) output.
    func invalidate(stage: String, task: Int) {
        FileSystem.remove(StageLayout(root: root, stage: stage).completionPath(task))
    }
}

/// Record sizes of the sorted intermediates.
enum DedupRecords {
    /// `hashesPerBucket` u64 minima, then the document's u32 index in its task.
    static func signatureSize(_ config: MinHashConfig) -> Int { config.hashesPerBucket * 8 + 4 }
    /// xxh3-128 (high, low u64), then the u32 index.
    static let exactSize = 20
    /// (task, index) of the earlier document, then of the later one: four u32.
    static let pairSize = 16
}
