import ArgumentParser
import Foundation
import Pipeline

/// The whole run, stage by stage: `plm run` on a pipeline into a fresh output folder (the built `plm`
/// beside this tool, a process of its own as a user runs it), then each stage's wall time, share of
/// the total, CPU time and peak memory as the stage graph recorded them (`plm status`).
struct RunBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Time every stage of `plm run PIPELINE` from scratch (wall, CPU, peak memory).")

    @Argument(help: "A pipeline file.")
    var pipeline = "pipelines/local.yaml"

    @Option(help: "Output folder (default: a fresh temporary folder, removed afterwards).")
    var output: String?

    func run() throws {
        let source = ConfigPaths.absolute(pipeline)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-bench-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let root = output.map(ConfigPaths.absolute) ?? folder + "/out"
        // The same pipeline, with only `output:` changed; the manifest path is made absolute so the copy
        // finds it.
        let config = try PipelineConfig.load(path: source)
        var text = try String(contentsOfFile: source, encoding: .utf8)
        text = text.split(separator: "\n", omittingEmptySubsequences: false).filter {
            !$0.hasPrefix("output:") && !$0.hasPrefix("manifest:")
        }.joined(separator: "\n")
        text += "\nmanifest: \(config.manifestPath.hasPrefix("/") ? config.manifestPath : ConfigPaths.absolute(config.manifestPath))\noutput: \(root)\n"
        let copy = folder + "/pipeline.yaml"
        try text.write(toFile: copy, atomically: true, encoding: .utf8)

        let plm = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("plm").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: plm)
        process.arguments = ["run", copy]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        let start = Date()
        try process.run()
        process.waitUntilExit()
        let wall = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0 else {
            throw ValidationError("plm run \(pipeline) failed (exit \(process.terminationStatus)); run it directly to see why")
        }
        print("plm run \(pipeline) from scratch: \(String(format: "%.1f", wall)) s wall for the process (\(root))")
        print(try RunStatus(root: root).render())
    }
}
