import CorpusIO
import Curation
import Foundation
import Stages

/// Runs a run's stage graph on this machine: each selected node that is not done runs (after its
/// stale output is removed), in graph order, under the run's lock; a node whose input is not done
/// refuses to run and says what is missing. Records each node's wall time, CPU time and peak memory.
public struct GraphRunner {
    /// What the command line adds to the pipeline: messages, parallelism, and the steps that live
    /// above this module (the tokenizer loader packing uses, the trainer's progress display).
    public struct Hooks: Sendable {
        public var say: @Sendable (String) -> Void
        public var workers: Int?
        public var loadEncoder: PackRunner.EncoderLoader
        /// Trains one phase of the pipeline file (path) to its end.
        public var train: @Sendable (_ pipelinePath: String, _ phase: String, _ log: TaskLog) throws -> Void
        /// Shows what a node's task stages did (`dedup/signatures`, ...), after it ran.
        public var report: @Sendable (_ node: String, _ stages: [(stage: String, summary: ExecutionSummary)]) throws -> Void

        public init(say: @escaping @Sendable (String) -> Void, workers: Int?, loadEncoder: @escaping PackRunner.EncoderLoader,
                    train: @escaping @Sendable (String, String, TaskLog) throws -> Void,
                    report: @escaping @Sendable (String, [(stage: String, summary: ExecutionSummary)]) throws -> Void = { _, _ in }) {
            self.say = say
            self.workers = workers
            self.loadEncoder = loadEncoder
            self.train = train
            self.report = report
        }
    }

    /// Which nodes to run: a node name (`pack/anneal`) or a group (`pack`) for each bound.
    public struct Selection: Sendable {
        public var from: String?
        public var until: String?
        public var only: String?

        public init(from: String? = nil, until: String? = nil, only: String? = nil) {
            self.from = from
            self.until = until
            self.only = only
        }
    }

    public let pipeline: PipelineConfig
    public let manifest: Manifest
    public let graph: StageGraph
    public let hooks: Hooks

    public init(pipeline: PipelineConfig, manifest: Manifest, hooks: Hooks) throws {
        self.pipeline = pipeline
        self.manifest = manifest
        self.graph = try StageGraph(pipeline: pipeline, manifest: manifest)
        self.hooks = hooks
    }

    public var layout: RunLayout { graph.layout }

    /// The nodes `selection` names, in graph order.
    public func selected(_ selection: Selection) throws -> [StageNode] {
        let nodes = graph.nodes
        func matches(_ node: StageNode, _ name: String) -> Bool { node.name == name || node.group == name }
        func check(_ name: String?) throws {
            guard let name, !nodes.contains(where: { matches($0, name) }) else { return }
            throw ExecutorError(message: "no stage '\(name)' in this run (stages: "
                + nodes.map(\.name).joined(separator: ", ") + ")")
        }
        try check(selection.from)
        try check(selection.until)
        try check(selection.only)
        if let only = selection.only { return nodes.filter { matches($0, only) } }
        let start = selection.from.map { name in nodes.firstIndex { matches($0, name) }! } ?? 0
        let end = selection.until.map { name in nodes.lastIndex { matches($0, name) }! } ?? nodes.count - 1
        return start <= end ? Array(nodes[start...end]) : []
    }

    public func state(of node: StageNode) -> NodeState { NodeState(node: node, layout: layout) }

    /// One line per node: its state now, whether this selection runs it, and its inputs' sizes.
    public func plan(_ selection: Selection) throws -> [String] {
        let chosen = Set(try selected(selection).map(\.name))
        return graph.nodes.map { node in
            let state = state(of: node)
            let action = !chosen.contains(node.name) ? "not selected"
                : state.status == .done ? "skip" : "run"
            let bytes = node.reads.reduce(0) { $0 + Self.size(of: $1) }
            return "\(node.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(action.padding(toLength: 12, withPad: " ", startingAt: 0)) "
                + "\(state.summary); reads \(Self.megabytes(bytes)) MB"
        }
    }

    /// Runs the selected nodes that are not done. Holds the run's lock throughout.
    public func run(_ selection: Selection) throws {
        let lock = try RunLock(path: layout.lockPath)
        defer { lock.release() }
        try writePlan()
        try forgetPacksOfAnotherPhaseList()
        for node in try selected(selection) {
            let before = state(of: node)
            if before.status == .done {
                hooks.say("\(node.name): done, skipped")
                continue
            }
            try requireInputs(of: node)
            if case .stale(let reasons) = before.status {
                hooks.say("\(node.name): stale (\(reasons.joined(separator: "; "))): removing its output and rerunning")
                try clear(node)
            } else if before.status == .pending && !hasFingerprint(node) {
                // Whatever sits in its folders without a fingerprint came from elsewhere (an older plm, a
                // copy): never resumed from. With this run's fingerprint, it is this run's own work, killed
                // before its first task completed (a training phase's checkpoints, a round of ARIES): resumed.
                try clear(node)
            }
            try node.fingerprint.write(path: layout.fingerprintPath(node: node.name))
            let meter = ResourceMeter()
            let summaries = try execute(node)
            // A failed task's own error names the file (a full disk, a damaged input): say it first.
            let failures = summaries.flatMap { entry in entry.summary.failed.map { "\(entry.stage) task \($0.task): \($0.error)" } }
            if !failures.isEmpty {
                throw ExecutorError(message: "\(node.name): \(failures.count) task\(failures.count == 1 ? "" : "s") failed: "
                    + failures.prefix(3).joined(separator: "; ") + (failures.count > 3 ? " (+\(failures.count - 3) more)" : "")
                    + "; the stage is not marked done, rerun to resume")
            }
            let usage = meter.finish()
            try write(usage, node: node.name)
            try hooks.report(node.name, summaries)
            let after = state(of: node)
            guard after.tasksDone == after.tasksTotal else {
                let failed = after.failures.map { "\($0.stage) task \($0.task) (\($0.log))" }
                throw ExecutorError(message: "\(node.name): \(after.tasksTotal - after.tasksDone) of \(after.tasksTotal) "
                    + "tasks did not complete" + (failed.isEmpty ? "" : ": " + failed.joined(separator: ", ")))
            }
            hooks.say("\(node.name): done in \(String(format: "%.1f", usage.wallSeconds)) s (CPU "
                + "\(String(format: "%.1f", usage.cpuSeconds)) s, peak \(Self.megabytes(usage.peakResidentBytes)) MB)")
        }
    }

    /// The pack stage runs one task per packed phase. When the manifest's list of phases changed, the
    /// packs written for the old list (their task count) are dropped whole: every pack node then reruns,
    /// since a task's number no longer names the same phase.
    func forgetPacksOfAnotherPhaseList() throws {
        let packs = graph.nodes.filter { if case .pack = $0.kind { return true } else { return false } }
        let stage = layout.stage(PackStage.stageName)
        guard let written = try stage.allStats().first?.tasks, written != packs.count else { return }
        hooks.say("pack: the run packed \(written) phases, this manifest packs \(packs.count): repacking every phase")
        try stage.forgetAll()
        for node in packs { FileSystem.remove(layout.fingerprintPath(node: node.name)) }
        let folder = layout.root + "/pack"
        if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
    }

    func hasFingerprint(_ node: StageNode) -> Bool {
        StageFingerprint.read(path: layout.fingerprintPath(node: node.name)) != nil
    }

    /// Every input of `node` must be done with the current settings.
    func requireInputs(of node: StageNode) throws {
        for name in node.inputs {
            let input = graph.node(named: name)!
            let state = state(of: input)
            switch state.status {
            case .done: continue
            case .stale(let reasons):
                throw ExecutorError(message: "\(node.name) reads \(name), which is stale (\(reasons.joined(separator: "; "))): "
                    + "run \(name) first")
            case .partial, .pending:
                let missing = input.parts.flatMap { part in
                    part.tasks.filter { !layout.stage(part.stage).isComplete($0) }.map { "\(part.stage) \($0)" }
                }
                throw ExecutorError(message: "\(node.name) reads \(name), which is not complete: tasks "
                    + missing.prefix(10).joined(separator: ", ") + (missing.count > 10 ? " (+\(missing.count - 10) more)" : "")
                    + " missing; run \(name) first")
            }
        }
    }

    /// Removes a stale node's markers and outputs (a pack node: only its own phase's task).
    func clear(_ node: StageNode) throws {
        for part in node.parts {
            if case .pack = node.kind {
                for task in part.tasks { layout.stage(part.stage).forget(task) }
            } else {
                try layout.stage(part.stage).forgetAll()
            }
        }
        for folder in node.outputs where FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.removeItem(atPath: folder)
        }
        FileSystem.remove(layout.fingerprintPath(node: node.name))
    }

    /// Runs the node's tasks; returns what each of its task stages did.
    private func execute(_ node: StageNode) throws -> [(stage: String, summary: ExecutionSummary)] {
        let say = hooks.say
        let workers = hooks.workers
        switch node.kind {
        case .makeSFT:
            return [(MakeSFTRunner.stageName, try MakeSFTRunner.run(pipeline: pipeline, manifest: manifest, say: say))]
        case .decontaminate:
            return [("decontaminate", try DecontaminateRunner.run(pipeline: pipeline, manifest: manifest,
                                                                  options: .init(workers: workers), say: say))]
        case .preference(let phase):
            let name = node.name
            nonisolated(unsafe) let pipeline = pipeline
            let manifest = manifest
            let threads = threads
            let stage = ClosureStage(name: name) { log, _ in
                try PreferenceRunner.run(pipeline: pipeline, manifest: manifest, phase: phase, threads: threads,
                                         say: { say($0); log($0) })
                return TaskStats(stage: name, task: 0, tasks: 1)
            }
            return [(name, try LocalExecutor.run(stage, root: layout.root, workers: 1, echo: { _ in }))]
        case .ingest:
            return [("ingest", try IngestRunner.run(pipeline: pipeline, manifest: manifest, options: .init(workers: workers),
                                                    say: say))]
        case .dedup:
            return try DedupRunner.run(pipeline: pipeline, manifest: manifest, options: .init(workers: workers), say: say)
                .map { ("dedup/" + $0.stage.rawValue, $0.summary) }
        case .filter:
            return [("filter", try FilterRunner.run(pipeline: pipeline, manifest: manifest,
                                                    options: .init(workers: workers), say: say))]
        case .tokenizer:
            _ = try TokenizerRunner.run(pipeline: pipeline, manifest: manifest, options: .init(workers: workers), say: say)
            return []
        case .pack(let phase, _):
            return [("pack", try PackRunner.run(pipeline: pipeline, manifest: manifest,
                                                options: .init(phase: phase, workers: workers),
                                                loadEncoder: hooks.loadEncoder, say: say))]
        case .train(let phase):
            let path = pipeline.path
            let train = hooks.train
            let name = node.name
            let stage = ClosureStage(name: name) { log, _ in
                try train(path, phase, log)
                return TaskStats(stage: name, task: 0, tasks: 1)
            }
            return [(name, try LocalExecutor.run(stage, root: layout.root, workers: 1, echo: { _ in }))]
        case .evaluate(let phase):
            let evaluation = try EvalRunner.evaluate(phase: phase, pipeline: pipeline, manifest: manifest, splits: packedPhases,
                                                     threads: threads, say: say)
            return try runOnce(node) { try EvalRunner.write(evaluation, to: EvalRunner.resultPath(layout: layout, node: node.name)) }
        case .baselines:
            let baselines = try EvalRunner.baselines(pipeline: pipeline, splits: packedPhases, threads: threads, say: say)
            return try runOnce(node) { try EvalRunner.write(baselines, to: EvalRunner.resultPath(layout: layout, node: node.name)) }
        }
    }

    /// The phases packed in this run, in graph order.
    private var packedPhases: [String] {
        graph.nodes.compactMap { node in
            if case .pack(let phase, _) = node.kind { return phase }
            return nil
        }
    }

    var threads: Int { hooks.workers ?? pipeline.workers }

    /// Runs `work` as the node's one task (marker, log and stats like every stage). The work itself ran
    /// before (it is not Sendable: it holds the pipeline); this writes its result and the marker.
    private func runOnce(_ node: StageNode, _ work: @escaping () throws -> Void) throws -> [(stage: String, summary: ExecutionSummary)] {
        nonisolated(unsafe) let write = work
        let stage = ClosureStage(name: node.name) { _, _ in
            try write()
            return TaskStats(stage: node.name, task: 0, tasks: 1)
        }
        return [(node.name, try LocalExecutor.run(stage, root: layout.root, workers: 1, echo: { _ in }))]
    }

    /// `run.json`: the nodes, their inputs and tasks, for `plm status` (which reads no pipeline).
    func writePlan() throws {
        let nodes: [[String: Any]] = graph.nodes.map { node in
            ["name": node.name, "inputs": node.inputs,
             "parts": node.parts.map { ["stage": $0.stage, "tasks": $0.tasks] as [String: Any] }]
        }
        // Absolute: the same run gives the same plan whichever folder it was started from (a cluster job's).
        let object: [String: Any] = ["pipeline": ConfigPaths.absolute(pipeline.path), "nodes": nodes]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        try FileSystem.createDirectory(layout.root)
        try FileSystem.writeAtomically(Array(data) + [0x0A], to: layout.planPath)
    }

    private func write(_ usage: ResourceUsage, node: String) throws {
        let path = layout.resourcesPath(node: node)
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try FileSystem.writeAtomically(Array(try encoder.encode(usage)) + [0x0A], to: path)
    }

    /// Bytes under `path` (a file or a folder, recursively); 0 when absent.
    static func size(of path: String) -> Int {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return 0 }
        guard isFolder.boolValue else {
            return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }
        var total = 0
        if let walker = FileManager.default.enumerator(atPath: path) {
            for case let name as String in walker {
                total += ((try? FileManager.default.attributesOfItem(atPath: path + "/" + name))?[.size] as? Int) ?? 0
            }
        }
        return total
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
}
