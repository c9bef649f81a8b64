import CorpusIO
import Curation
import Foundation
import PLMInference
import Stages

/// Everything the run report shows, read back from a run folder alone (`plm report RUN_DIR`): the data
/// funnel, drops, duplicate clusters, document lengths, mixtures, schedule and loss curves, the
/// evaluation matrix with its baselines, generations, and each stage's time and memory. Written as
/// `report.json`; `ReportHTML` draws the same numbers into `report.html`.
public struct RunReport: Codable, Sendable {
    public struct FunnelRow: Codable, Sendable, Equatable {
        public var stage: String
        public var source: String
        public var documentsIn: Int
        public var documentsOut: Int
        public var bytesIn: Int
        public var bytesOut: Int
    }

    public struct Drop: Codable, Sendable, Equatable {
        public var stage: String
        public var reason: String
        public var documents: Int
        public var bytes: Int
    }

    /// Documents per length bin (bin k holds lengths in [2^k, 2^(k+1)) bytes).
    public struct LengthHistogram: Codable, Sendable, Equatable {
        public var stage: String
        public var counts: [Int: Int]
    }

    public struct Mixture: Codable, Sendable, Equatable {
        public var phase: String
        public var tokens: Int
        public var target: [String: Double]
        public var realised: [String: Double]
        /// Shares per language, when the phase weights languages (`language_weights`); nil otherwise.
        public var languageTarget: [String: Double]? = nil
        public var languageRealised: [String: Double]? = nil
    }

    /// One optimizer step of one phase, on the run's step axis.
    public struct StepPoint: Codable, Sendable, Equatable {
        public var phase: String
        public var step: Int
        public var lr: Double
        public var loss: Double
        public var validationLoss: Double?
    }

    public struct StageUsage: Codable, Sendable, Equatable {
        public var stage: String
        public var tasksDone: Int
        public var tasksTotal: Int
        public var usage: ResourceUsage?
    }

    public var root: String
    public var stages: [StageUsage]
    public var funnel: [FunnelRow]
    public var drops: [Drop]
    /// Cluster size to the number of clusters of that size.
    public var clusterSizes: [Int: Int]
    public var lengths: [LengthHistogram]
    public var mixtures: [Mixture]
    public var steps: [StepPoint]
    /// Phases in training order (for the phase boundaries).
    public var phases: [String]
    public var evaluations: [PhaseEvaluation]
    public var baselines: BaselineEvaluation?
    /// Preference phase to its rounds (sampling and pairs), in order.
    public var alignRounds: [String: [AriesRoundSummary]] = [:]
    /// Preference phase to each round's held-out scores (evaluation set to score), in round order.
    public var alignScores: [String: [[String: TaskScore]]] = [:]

    /// Reads the run folder `root` (written by `plm run`).
    public init(root: String) throws {
        self.root = root
        let status = try RunStatus(root: root)
        let nodes = status.stages.map(\.name)
        stages = status.stages.map { StageUsage(stage: $0.name, tasksDone: $0.tasksDone, tasksTotal: $0.tasksTotal, usage: $0.usage) }
        (funnel, drops) = Self.funnel(root: root)
        clusterSizes = [:]
        if let bytes = try? FileInput.readAll(path: root + "/dedup/clusters/summary.json"),
           let summary = try? JSONDecoder().decode(ClusterSummary.self, from: Data(bytes)) {
            for (size, count) in summary.clusterSizes { if let size = Int(size) { clusterSizes[size] = count } }
        }
        lengths = [Self.lengthHistogram(stage: "ingest", folder: root + "/ingest"),
                   Self.lengthHistogram(stage: "filter", folder: root + "/filter/output")].filter { !$0.counts.isEmpty }
        let packed = nodes.filter { $0.hasPrefix("pack/") }.map { String($0.dropFirst(5)) }
        mixtures = packed.compactMap { Self.mixture(root: root, phase: $0) }
        phases = nodes.filter { $0.hasPrefix("train/") }.map { String($0.dropFirst(6)) }
        steps = phases.flatMap { Self.steps(root: root, phase: $0) }
        evaluations = phases.compactMap { phase in
            (try? FileInput.readAll(path: root + "/eval/\(phase)/eval.json"))
                .flatMap { try? JSONDecoder().decode(PhaseEvaluation.self, from: Data($0)) }
        }
        baselines = (try? FileInput.readAll(path: root + "/eval/baselines/eval.json"))
            .flatMap { try? JSONDecoder().decode(BaselineEvaluation.self, from: Data($0)) }
        for phase in phases {
            let rounds = FileSystem.list(root + "/align/\(phase)").filter { $0.hasPrefix("round-") }
                .compactMap { name in
                    (try? FileInput.readAll(path: root + "/align/\(phase)/\(name)/summary.json"))
                        .flatMap { try? JSONDecoder().decode(AriesRoundSummary.self, from: Data($0)) }
                }.sorted { $0.round < $1.round }
            if !rounds.isEmpty {
                alignRounds[phase] = rounds
                alignScores[phase] = rounds.map { round in
                    (try? FileInput.readAll(path: root + "/align/\(phase)/round-\(round.round)/evaluation.json"))
                        .flatMap { try? JSONDecoder().decode([String: TaskScore].self, from: Data($0)) } ?? [:]
                }
            }
        }
    }

    /// Per stage and source, documents and bytes in and out; and every drop reason with its counts.
    static func funnel(root: String) -> ([FunnelRow], [Drop]) {
        var rows: [FunnelRow] = []
        var drops: [Drop] = []
        for stage in ["ingest", "dedup/remove", "filter"] {
            guard let stats = try? StageLayout(root: root, stage: stage).allStats(), !stats.isEmpty else { continue }
            var bySource: [String: SourceStats] = [:]
            for task in stats { for (source, counts) in task.sources { bySource[source, default: SourceStats()].add(counts) } }
            var reasons: [String: (Int, Int)] = [:]
            for (source, counts) in bySource.sorted(by: { $0.key < $1.key }) {
                let skipped = counts.skipped.values.reduce(0, +)
                let skippedBytes = counts.skippedBytes.values.reduce(0, +)
                // Ingest reads files (bytes as stored); later stages read documents (text bytes).
                let documentsIn = counts.documents + skipped
                let bytesIn = stage == "ingest" ? counts.inputBytes : counts.textBytes + skippedBytes
                rows.append(FunnelRow(stage: stage == "dedup/remove" ? "dedup" : stage, source: source,
                                      documentsIn: documentsIn, documentsOut: counts.documents, bytesIn: bytesIn,
                                      bytesOut: counts.textBytes))
                for (reason, count) in counts.skipped {
                    reasons[reason, default: (0, 0)].0 += count
                    reasons[reason, default: (0, 0)].1 += counts.skippedBytes[reason] ?? 0
                }
            }
            drops += orderedDrops(stage: stage == "dedup/remove" ? "dedup" : stage, reasons: reasons)
        }
        return (rows, drops)
    }

    /// A stage's drop reasons, most documents first and ties by name, so that the same run always writes
    /// the same report (a dictionary's order changes from one process to the next).
    static func orderedDrops(stage: String, reasons: [String: (Int, Int)]) -> [Drop] {
        reasons.sorted { ($0.value.0, $1.key) > ($1.value.0, $0.key) }.map { reason, value in
            Drop(stage: stage, reason: reason, documents: value.0, bytes: value.1)
        }
    }

    /// Text lengths of every document under `folder` (`<source>/<task>.jsonl.zst`), in powers-of-two bins.
    static func lengthHistogram(stage: String, folder: String) -> LengthHistogram {
        struct Text: Decodable { var text: String }
        var counts: [Int: Int] = [:]
        for source in FileSystem.list(folder) where FileSystem.isDirectory(folder + "/" + source) {
            for file in FileSystem.list(folder + "/" + source) where file.hasSuffix(".jsonl.zst") {
                try? DocumentReader<Text>(path: folder + "/" + source + "/" + file).forEach({ record, _ in
                    let length = max(1, record.text.utf8.count)
                    counts[Int.bitWidth - 1 - length.leadingZeroBitCount, default: 0] += 1
                }, onBadLine: { _ in })
            }
        }
        return LengthHistogram(stage: stage, counts: counts)
    }

    static func mixture(root: String, phase: String) -> Mixture? {
        guard let bytes = try? FileInput.readAll(path: root + "/pack/\(phase)/phase.json"),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let train = object["train"] as? [String: Any] else { return nil }
        let packing = train["packing"] as? [String: Any]
        return Mixture(phase: phase, tokens: (packing?["tokens"] as? NSNumber)?.intValue ?? 0,
                       target: (train["target_share_by_source"] as? [String: NSNumber] ?? [:]).mapValues(\.doubleValue),
                       realised: (train["share_by_source"] as? [String: NSNumber] ?? [:]).mapValues(\.doubleValue),
                       languageTarget: (train["target_share_by_language"] as? [String: NSNumber])?.mapValues(\.doubleValue),
                       languageRealised: (train["share_by_language"] as? [String: NSNumber])?.mapValues(\.doubleValue))
    }

    static func steps(root: String, phase: String) -> [StepPoint] {
        guard let bytes = try? FileInput.readAll(path: root + "/train/\(phase)/metrics.jsonl") else { return [] }
        struct Line: Decodable {
            var step: Int
            var lr: Double
            var loss: Double
            var val_loss: Double?
        }
        var points: [Int: StepPoint] = [:]
        for line in bytes.split(separator: 0x0A) {
            guard let metric = try? JSONDecoder().decode(Line.self, from: Data(line)) else { continue }
            // A resumed phase repeats steps after its last checkpoint: the later line is the one kept.
            points[metric.step] = StepPoint(phase: phase, step: metric.step, lr: metric.lr, loss: metric.loss,
                                            validationLoss: metric.val_loss)
        }
        return points.values.sorted { $0.step < $1.step }
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try FileSystem.writeAtomically(Array(try encoder.encode(self)) + [0x0A], to: path)
    }
}

extension RunReport {
    /// Reads `root` and writes `report.json` and `report.html` there; returns the HTML's path.
    @discardableResult
    public static func build(root: String) throws -> (report: RunReport, html: String) {
        let report = try RunReport(root: root)
        try report.write(to: root + "/report.json")
        let html = root + "/report.html"
        try FileSystem.writeAtomically(Array(ReportHTML.render(report).utf8), to: html)
        return (report, html)
    }

    /// The evaluation matrix as text (loss in nats per token, ratio to the unigram baseline) and one
    /// generation per phase: what `plm run` prints at its end.
    public var summaryText: String {
        let splits = Array(Set(evaluations.flatMap { $0.splits.keys })).sorted()
        guard !splits.isEmpty else { return "" }
        var lines: [String] = []
        let width = max(24, splits.map(\.count).max()! + 2)
        lines.append("checkpoint".padding(toLength: 28, withPad: " ", startingAt: 0)
            + splits.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) }.joined())
        func row(_ name: String, _ results: [String: EvaluationResult], ratio: Bool) -> String {
            name.padding(toLength: 28, withPad: " ", startingAt: 0) + splits.map { split in
                guard let loss = results[split]?.loss else { return "-".padding(toLength: width, withPad: " ", startingAt: 0) }
                var cell = String(format: "%.3f", loss)
                if ratio, let base = baselines?.unigram[split]?.loss { cell += String(format: " (%.2fx unigram)", loss / base) }
                return cell.padding(toLength: width, withPad: " ", startingAt: 0)
            }.joined()
        }
        if let baselines {
            lines.append(row("untrained", baselines.untrained, ratio: false))
            lines.append(row("unigram", baselines.unigram, ratio: false))
        }
        for evaluation in evaluations { lines.append(row("after " + evaluation.phase, evaluation.splits, ratio: true)) }
        let tasks = Array(Set(evaluations.flatMap { $0.tasks.keys })).sorted()
        for task in tasks {
            lines.append("\(task) (exact match, 95% CI):")
            func line(_ name: String, _ score: TaskScore) -> String {
                "  after \(name)".padding(toLength: 28, withPad: " ", startingAt: 0)
                    + String(format: "%5.1f%% (%.1f-%.1f%%), %d of %d", 100 * score.accuracy, 100 * score.low,
                             100 * score.high, score.correct, score.total)
            }
            for evaluation in evaluations {
                for (round, scores) in (alignScores[evaluation.phase] ?? []).enumerated().dropLast() {
                    if let score = scores[task] { lines.append(line("\(evaluation.phase) round \(round)", score)) }
                }
                guard let score = evaluation.tasks[task] else { continue }
                lines.append(line(evaluation.phase, score))
            }
            for margin in preferenceMargins(task: task) {
                lines.append("  \(margin.label) against \(margin.baseline): \(margin.difference.summary)")
            }
        }
        for evaluation in evaluations {
            guard let generation = evaluation.generations.first else { continue }
            let text = (generation.prompt + generation.text).replacingOccurrences(of: "\n", with: "\\n")
            lines.append("\(evaluation.phase): \(text.prefix(160))")
        }
        return lines.joined(separator: "\n")
    }
}
