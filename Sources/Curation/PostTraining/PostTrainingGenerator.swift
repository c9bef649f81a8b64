/// The post-training data sets this module can make, by the name a pipeline config uses.
public enum PostTrainingGenerator: String, CaseIterable, Sendable, Codable {
    case dpkgDescriptions = "dpkg-descriptions"
    case manPages = "man-pages"
    case pythonDocstrings = "python-docstrings"
    case licenseSummaries = "license-summaries"
    case arithmetic

    /// Where the material is on every Debian machine (globs allowed); arithmetic reads nothing.
    public var defaultPaths: [String] {
        switch self {
        case .dpkgDescriptions: ["/var/lib/dpkg/status"]
        case .manPages: ["/usr/share/man/man1"]
        case .pythonDocstrings: ["/usr/lib/python3*"]
        case .licenseSummaries: ["/usr/share/common-licenses"]
        case .arithmetic: []
        }
    }

    /// Makes one data set. `paths` are files, folders or globs (the generator's `defaultPaths` when
    /// empty); one that matches nothing throws `PostTrainingError.missingPath`. `limit` caps the
    /// records (arithmetic makes `ArithmeticTask.defaultCount` without one). `seed` picks phrasings
    /// (dpkg) and problems (arithmetic); `split` matters to arithmetic only. Unreadable files and
    /// malformed input are skipped and counted in the output's stats, never fatal.
    public static func generate(_ generator: PostTrainingGenerator, paths: [String] = [], limit: Int? = nil,
                                seed: UInt64 = 0, split: ArithmeticSplit = .train) throws(PostTrainingError) -> PostTrainingOutput {
        let inputs = paths.isEmpty ? generator.defaultPaths : paths
        switch generator {
        case .dpkgDescriptions: return try DpkgStatusChat(seed: seed).generate(paths: inputs, limit: limit)
        case .manPages: return try ManPageChat().generate(paths: inputs, limit: limit)
        case .pythonDocstrings: return try DocstringChat().generate(paths: inputs, limit: limit)
        case .licenseSummaries: return try LicenseSummaryChat().generate(paths: inputs, limit: limit)
        case .arithmetic:
            guard paths.isEmpty else { throw .pathsNotAccepted(generator: generator.rawValue) }
            let records = ArithmeticTask().records(count: limit ?? ArithmeticTask.defaultCount, seed: seed, split: split)
            var stats = PostTrainingStats()
            stats.records = records.count
            return PostTrainingOutput(records: records, stats: stats)
        }
    }
}
