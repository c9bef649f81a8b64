import Curation

extension DedupConfig {
    static let yamlKeys = ["exact", "minhash", "write_removed", "cluster_buffer"]
    static let exactKeys = ["enabled", "normalize"]
    static let minhashKeys = ["enabled", "ngram_size", "buckets", "hashes_per_bucket", "seed", "word_tokenizer", "code_domains", "skip_domains", "keep"]

    /// Reads a pipeline's `dedup:` section; absent keys keep `DedupConfig()`'s defaults (datatrove's).
    init(section: YAMLMapping?) throws(ConfigError) {
        self.init()
        guard let section else { return }
        if let write = try section.optionalBool("write_removed") { writeRemoved = write }
        if let bytes = try section.optionalByteSize("cluster_buffer") {
            guard bytes >= 64 << 10 else { throw section.invalid("cluster_buffer", mustBe: "at least 64KiB") }
            clusterBufferBytes = bytes
        }
        if let exactSection = try section.optionalMapping("exact", context: "section 'dedup.exact'", allowed: Self.exactKeys) {
            if let enabled = try exactSection.optionalBool("enabled") { exact = enabled }
            if let normalize = try exactSection.optionalBool("normalize") { exactNormalize = normalize }
        }
        if let near = try section.optionalMapping("minhash", context: "section 'dedup.minhash'", allowed: Self.minhashKeys) {
            if let enabled = try near.optionalBool("enabled") { minhash = enabled }
            if let size = try near.optionalInt("ngram_size", atLeast: 1) { minhashConfig.ngramSize = size }
            if let buckets = try near.optionalInt("buckets", atLeast: 1) { minhashConfig.buckets = buckets }
            if let hashes = try near.optionalInt("hashes_per_bucket", atLeast: 1) { minhashConfig.hashesPerBucket = hashes }
            if let seed = try near.optionalInt("seed", atLeast: 0) {
                guard seed <= Int(UInt32.max) else { throw near.invalid("seed", mustBe: "at most \(UInt32.max)") }
                minhashConfig.seed = UInt32(seed)
            }
            if let tokenizer = try near.optionalChoice("word_tokenizer", as: WordTokenizerKind.self) {
                minhashConfig.wordTokenizer = tokenizer
            }
            if let domains = try near.optionalStringList("code_domains") { codeDomains = domains.map(\.value) }
            if let domains = try near.optionalStringList("skip_domains") { nearDuplicateExemptDomains = domains.map(\.value) }
            if let policy = try near.optionalChoice("keep", as: KeepPolicy.self) { keep = policy }
        }
    }
}
