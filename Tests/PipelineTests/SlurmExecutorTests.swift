import CorpusIO
import Foundation
import Testing
@testable import Pipeline

/// `plm run --executor slurm` against stand-ins for sbatch and squeue that run each submitted script
/// at once, element by element, as a one-node cluster would (a job waiting on a failed one is cancelled,
/// as `--kill-on-invalid-dep` does). A real Slurm runs the same scripts in `scripts/slurm-test`.
@Suite("Slurm executor", .serialized)
struct SlurmExecutorTests {
    /// The stand-ins (`scripts/fake-slurm/`): sbatch records its arguments, runs the script's array elements
    /// (or the script once) and prints a job id; `FAKE_SLURM_CANCEL=<stage>:<task>` leaves that element out
    /// and fails its job, as scancel would. squeue says nothing is queued.
    static let standIns = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/fake-slurm").path

    /// The stand-ins first on PATH for the plm it starts, with a state folder under `root`.
    static func makeCluster(in root: String) throws -> [String: String] {
        let state = root + "/fake-slurm"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return ["PATH": standIns + ":" + path, "FAKE_SLURM_DIR": state]
    }

    /// `plm ARGUMENTS` in `root` with extra environment; its status and standard output and error.
    static func plm(_ arguments: [String], in root: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunKillTests.plm)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    static func isSlurmBookkeeping(_ path: String) -> Bool {
        RunKillTests.isBookkeeping(path) || path.hasPrefix("slurm/")
    }

    @Test("a run submitted to Slurm ends byte-identical to a local one; a cancelled element is all a resubmission runs")
    func slurmRunMatchesLocal() throws {
        try #require(FileManager.default.isExecutableFile(atPath: RunKillTests.plm), "no plm at \(RunKillTests.plm)")
        let root = try RunKillTests.makeRun()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try RunKillTests.run(root) == (0, false))
        try FileManager.default.moveItem(atPath: root + "/out", toPath: root + "/reference")
        let expected = try RunKillTests.outputs(root + "/reference")
        let cluster = try Self.makeCluster(in: root)
        let log = cluster["FAKE_SLURM_DIR"]! + "/sbatch.log"

        // --dry-run prints every script and submits nothing.
        let dry = try Self.plm(["run", "p.yaml", "--executor", "slurm", "--partition", "short", "--mem", "2G", "--dry-run"],
                               in: root, environment: cluster)
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.output.contains("#SBATCH --array=0-2\n") && dry.output.contains("#SBATCH --partition=short"))
        #expect(dry.output.contains("#SBATCH --mem=2G") && dry.output.contains("--node 'train/two'"))
        #expect(!FileSystem.exists(log) && !FileSystem.exists(root + "/out/slurm"))

        // Element 1 of ingest cancelled: its job fails and every job after it is cancelled.
        var first = cluster
        first["FAKE_SLURM_CANCEL"] = "ingest:1"
        let submitted = try Self.plm(["run", "p.yaml", "--executor", "slurm"], in: root, environment: first)
        #expect(submitted.status == 0, "\(submitted.output)")
        let firstJobs = try SlurmJobRecord.load(root: root + "/out").submissions
        #expect(firstJobs.count == 1)
        // ingest, dedup's four stages, filter, the tokenizer's counting and training, 2 packs, baselines, 2 trainings
        // and 2 evaluations.
        #expect(firstJobs.first?.jobs.map(\.node) == ["ingest", "dedup", "dedup", "dedup", "dedup", "filter", "tokenizer", "tokenizer",
                                                      "pack/one", "pack/two", "eval/baselines", "train/one", "eval/one",
                                                      "train/two", "eval/two"])
        #expect(firstJobs.first?.jobs.first?.array == "0-2")
        #expect(firstJobs.first?.jobs.dropFirst().allSatisfy { $0.dependsOn != nil } == true)
        let status = try RunStatus(root: root + "/out")
        #expect(status.stages.first { $0.name == "ingest" }.map { ($0.tasksDone, $0.tasksTotal) } ?? (0, 0) == (2, 3))
        #expect(status.stages.first { $0.name == "train/two" }?.tasksDone == 0)

        // The resubmission asks for ingest task 1 alone, then everything after it.
        let before = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count
        let again = try Self.plm(["run", "p.yaml", "--executor", "slurm"], in: root, environment: cluster)
        #expect(again.status == 0, "\(again.output)")
        let record = try SlurmJobRecord.load(root: root + "/out")
        #expect(record.submissions.count == 2)
        #expect(record.submissions.last?.jobs.first.map { ($0.node, $0.array) } ?? ("", nil) == ("ingest", "1"))
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == before + 15)
        let script = try String(contentsOfFile: record.submissions.last!.jobs.first!.script, encoding: .utf8)
        #expect(script.contains("#SBATCH --array=1\n") && script.contains("#SBATCH --kill-on-invalid-dep=yes"))

        let actual = try RunKillTests.outputs(root + "/out").filter { !Self.isSlurmBookkeeping($0.key) }
        #expect(Set(actual.keys) == Set(expected.keys))
        for (path, data) in expected where actual[path] != data { Issue.record("\(path) differs from the local run's") }
        let done = try RunStatus(root: root + "/out")
        #expect(done.stages.allSatisfy { $0.tasksDone == $0.tasksTotal })

        // Nothing left: a third submission submits nothing.
        let third = try Self.plm(["run", "p.yaml", "--executor", "slurm"], in: root, environment: cluster)
        #expect(third.status == 0 && third.output.contains("nothing to submit"), "\(third.output)")
        #expect(try SlurmJobRecord.load(root: root + "/out").submissions.count == 2)
    }

    @Test("array index lists: runs of tasks as ranges, and read back")
    func arraySpecs() {
        #expect(SlurmArray.spec([0, 1, 2, 5, 7, 8, 9]) == "0-2,5,7-9")
        #expect(SlurmArray.spec([3]) == "3")
        #expect(SlurmArray.spec([4, 2, 3, 3]) == "2-4")
        #expect(SlurmArray.tasks("0-2,5,7-9%4") == [0, 1, 2, 5, 7, 8, 9])
        #expect(SlurmArray.tasks("3-1") == nil && SlurmArray.tasks("") == nil && SlurmArray.tasks("0-9:2") == nil)
    }

    @Test("the executor section: keys checked, values that would break an #SBATCH line refused with their line")
    func executorSection() throws {
        let good = try PipelineConfig.parse(yaml: """
            name: p
            manifest: m.yaml
            executor: {kind: slurm, partition: short, cpus_per_task: 4, mem: 8G, time: "2:00:00", max_parallel_tasks: 16,
                       sbatch_args: ["--constraint=avx512"]}
            """, path: "/tmp/p.yaml").executorSettings()
        #expect(good.kind == .slurm && good.partition == "short" && good.cpusPerTask == 4 && good.memory == "8G")
        #expect(good.time == "2:00:00" && good.maxParallelTasks == 16 && good.sbatchArguments == ["--constraint=avx512"])
        #expect(try PipelineConfig.parse(yaml: "name: p\nmanifest: m.yaml\n", path: "/tmp/p.yaml").executorSettings().kind == .local)
        let cases: [(String, String)] = [
            ("executor: {partition: \"a b\"}", "p.yaml:3:"), ("executor: {kind: pbs}", "one of local, slurm"),
            ("executor: {cpus_per_task: 0}", ">= 1"), ("executor: {sbatch_args: [constraint]}", "starting with '-'"),
            ("executor: {partitoin: x}", "partitoin"),
        ]
        for (text, message) in cases {
            #expect {
                try PipelineConfig.parse(yaml: "name: p\nmanifest: m.yaml\n\(text)\n", path: "/tmp/p.yaml").executorSettings()
            } throws: { "\($0)".contains(message) }
        }
    }
}
