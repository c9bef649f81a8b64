import ArgumentParser
import Pipeline

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a run's report.html and report.json from its folder.",
        discussion: """
            The report holds the data funnel per stage and source, drops per reason, duplicate cluster sizes,
            document lengths before and after filtering, each phase's mixture against its target, the learning
            rate and loss curves of all phases, the evaluation matrix with unigram and untrained baselines,
            generations, and every stage's wall time, CPU time and peak memory. One HTML file, no script.
            """)

    @Argument(help: "A run's output folder, e.g. shards/local.")
    var folder: String

    func run() throws {
        let built = try RunReport.build(root: ConfigPaths.absolute(folder))
        print(built.report.summaryText)
        print("report: \(built.html)")
    }
}
