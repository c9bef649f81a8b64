import CorpusIO
import Stages

/// One input file of a plan, with the index of the source it belongs to.
public struct IngestInput: Sendable, Equatable {
    public var sourceIndex: Int
    public var file: WalkedFile
}

/// The sorted list of every input file of every source, split across tasks round-robin
/// (`files[task::tasks]`). The same sources give the same plan on any machine with the same files.
public struct IngestPlan: Sendable {
    public let sources: [SourceSpec]
    public let inputs: [IngestInput]
    /// Missing optional paths, symlink loops, unreadable folders: reported, never fatal.
    public let notes: [String]
    /// What the folder walk skipped, per source: ingest's task 0 counts them in its stats and log.
    public let walkSkips: [(sourceIndex: Int, note: WalkNote)]

    public init(sources: [SourceSpec]) {
        var inputs: [IngestInput] = []
        var notes: [String] = []
        var walkSkips: [(Int, WalkNote)] = []
        for (index, source) in sources.enumerated() {
            // One walker per source: a file reached twice within a source is read once, but two
            // sources may deliberately share files.
            var walker = FileWalker()
            let filter = PathFilter(include: source.include, exclude: source.exclude)
            for pattern in source.paths {
                let roots = FileWalker.expand(pattern)
                if roots.isEmpty {
                    notes.append("source '\(source.name)': \(pattern) matched nothing, skipped")
                }
                for root in roots {
                    inputs += walker.walk(root: root, filter: filter).map { IngestInput(sourceIndex: index, file: $0) }
                }
            }
            notes += walker.notes.map { "source '\(source.name)': \($0.reason.rawValue) \($0.path): \($0.detail)" }
            walkSkips += walker.notes.map { (index, $0) }
        }
        self.sources = sources
        self.inputs = inputs
        self.notes = notes
        self.walkSkips = walkSkips
    }

    public func inputs(task: Int, of tasks: Int) -> [IngestInput] {
        stride(from: task, to: inputs.count, by: tasks).map { inputs[$0] }
    }

    public var totalBytes: Int { inputs.reduce(0) { $0 + $1.file.size } }
}

/// Ingest as a task stage: each task reads its share of the plan and writes
/// `<root>/ingest/<source>/<task>.jsonl.zst` for every source it found documents in.
public struct IngestStage: TaskStage {
    public let name = "ingest"
    public let root: String
    public let plan: IngestPlan
    public let config: IngestConfig
    public var taskCount: Int { config.tasks }

    public init(root: String, plan: IngestPlan, config: IngestConfig) {
        self.root = root
        self.plan = plan
        self.config = config
    }

    public func outputPath(source: String, task: Int) -> String {
        "\(root)/\(name)/\(source)/\(StageLayout.taskName(task)).jsonl.zst"
    }

    public func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
        var writers: [String: ZstdFileWriter] = [:]
        var line: [UInt8] = []
        var stats = TaskStats(stage: name, task: task, tasks: taskCount)
        var reader: IngestReader?
        func finishSource() {
            if let reader { stats.sources[reader.source.name, default: SourceStats()].add(reader.stats) }
        }
        let walkSkips = plan.walkSkips
        for input in plan.inputs(task: task, of: taskCount) {
            let source = plan.sources[input.sourceIndex]
            if reader?.source.name != source.name {
                finishSource()
                reader = IngestReader(source: source, config: config, log: { log($0) }) { document in
                    if writers[source.name] == nil {
                        try FileSystem.createDirectory("\(root)/\(name)/\(source.name)")
                        writers[source.name] = try ZstdFileWriter(path: outputPath(source: source.name, task: task))
                    }
                    line.removeAll(keepingCapacity: true)
                    document.jsonLine(into: &line)
                    try writers[source.name]!.write(line)
                    progress.documents.add(1, ordering: .relaxed)
                }
            }
            do {
                try reader!.read(file: input.file)
            } catch let failure as WriteFailure {
                throw failure.underlying
            }
            progress.filesDone.add(1, ordering: .relaxed)
            progress.bytesDone.add(input.file.size, ordering: .relaxed)
        }
        finishSource()
        // The walk happened once, before the tasks: task 0 records what it skipped, like any other skip.
        if task == 0 {
            for (sourceIndex, note) in walkSkips {
                let source = plan.sources[sourceIndex].name
                let reason = SkipReason(rawValue: note.reason.rawValue) ?? .unreadable
                stats.sources[source, default: SourceStats()].count(reason)
                log("skip \(reason.rawValue) \(source) \(note.path) \(note.detail) (folder walk)")
            }
        }
        // All outputs appear together, after every input was read.
        for name in writers.keys.sorted() { try writers[name]!.commit() }
        return stats
    }
}
