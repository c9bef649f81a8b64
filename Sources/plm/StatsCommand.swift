import ArgumentParser
import CorpusIO
import Curation
import Foundation
import Pipeline
import Stages

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print the counters of a run, per stage and source, and its packed phases by language.")

    @Argument(help: "A run's output root, e.g. shards/local.")
    var runDirectory: String

    func validate() throws {
        guard FileSystem.isDirectory(runDirectory + "/stats") else {
            throw ValidationError("\(runDirectory): no stats/ folder; is this a run's output root?")
        }
    }

    func run() throws {
        var languagesFiltered = false
        for stage in stages(under: runDirectory + "/stats", prefix: "") {
            let layout = StageLayout(root: runDirectory, stage: stage)
            let tasks = try layout.allStats()
            guard let first = tasks.first else { continue }
            var sources: [String: SourceStats] = [:]
            for task in tasks { for (name, counts) in task.sources { sources[name, default: SourceStats()].add(counts) } }
            let seconds = tasks.reduce(0) { $0 + $1.seconds }
            print("\(stage): \(tasks.count)/\(first.tasks) tasks complete, \(format(seconds)) s of task time")
            print(StatsTable.render(sources))
            languagesFiltered = languagesFiltered || sources.values.contains { !$0.languages.isEmpty }
        }
        // The packed phases by language: printed once a filter wrote languages or a phase weights them, so a
        // run without either prints what it always did.
        if let phases = PhaseLanguageTable.section(root: runDirectory, languagesFiltered: languagesFiltered) {
            print(phases)
        }
    }

    /// Stage names are folders of stats files, possibly nested (`dedup/signatures`).
    private func stages(under folder: String, prefix: String) -> [String] {
        let names = FileSystem.list(folder)
        var found: [String] = names.contains { $0.hasSuffix(".json") } ? [String(prefix.dropLast())] : []
        for name in names where FileSystem.isDirectory(folder + "/" + name) {
            found += stages(under: folder + "/" + name, prefix: prefix + name + "/")
        }
        return found
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// A fixed-width table of per-source counters, with a total row.
enum StatsTable {
    static func render(_ sources: [String: SourceStats]) -> String {
        var total = SourceStats()
        for counts in sources.values { total.add(counts) }
        let rows = sources.keys.sorted().map { ($0, sources[$0]!) } + [("total", total)]
        var lines = [pad("source", 20) + pad("files", 9) + pad("documents", 11) + pad("input MB", 10)
                     + pad("text MB", 10) + "skipped"]
        for (name, counts) in rows {
            let skipped = counts.skipped.keys.sorted().map { "\($0) \(counts.skipped[$0]!)" }.joined(separator: ", ")
            lines.append(pad(name, 20) + pad(String(counts.files), 9) + pad(String(counts.documents), 11)
                         + pad(megabytes(counts.inputBytes), 10) + pad(megabytes(counts.textBytes), 10)
                         + (skipped.isEmpty ? "-" : skipped))
        }
        // The language filter's counts: kept documents and MB per language, per source.
        for (name, counts) in rows where !counts.languages.isEmpty {
            let languages = counts.languages.sorted { $0.value.bytes > $1.value.bytes }
                .map { "\($0.key) \($0.value.documents) (\(megabytes($0.value.bytes)) MB)" }
            lines.append(pad("  " + name, 20) + "languages: " + languages.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func megabytes(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1e6) }
}
