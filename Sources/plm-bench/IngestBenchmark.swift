import ArgumentParser
import CorpusIO
import Curation
import Foundation
import Pipeline
import Stages

/// Ingest throughput on a pipeline's manifest beside the physical path on the same files:
/// reading them, undoing their compression (gzip, xz, ... as libarchive does for ingest) and
/// compressing the resulting bytes with `zstd -3 -T1`, the least any ingest writing zstd output must do.
struct IngestBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Ingest MB/s per worker count beside read + zstd -3 -T1 of the same files.")

    @Argument(help: "The pipeline whose manifest is ingested.")
    var pipeline = "pipelines/local.yaml"

    @Option(help: "Worker counts to measure (comma-separated).")
    var workers = "1,2"

    func run() throws {
        let loaded = try PipelineConfig.loadWithManifest(path: pipeline)
        let plan = IngestPlan(sources: loaded.manifest.sourceSpecs)
        let inputBytes = plan.totalBytes
        print("corpus: \(plan.inputs.count) files, \(mb(inputBytes)) MB as stored, from \(pipeline)")

        // Warm the page cache so both paths read from memory, as they would on a second run.
        _ = try physicalPath(plan, compress: false)
        // The reference runs in two processes (this one decompressing, zstd compressing) that overlap
        // on two cores; its cost on one core is their CPU time added up.
        let before = ProcessCPU.secondsWithChildren()
        let wall = try physicalPath(plan, compress: true)
        let reference = ProcessCPU.secondsWithChildren() - before
        print(row("read+decompress | zstd -3 -T1", seconds: reference, bytes: inputBytes,
                  extra: String(format: "CPU time of both processes (%.2f s wall)", wall)))

        for count in workers.split(separator: ",").compactMap({ Int($0) }) {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-bench-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            let stage = IngestStage(root: root, plan: plan, config: loaded.pipeline.ingest)
            let started = Date()
            let summary = try LocalExecutor.run(stage, root: root, workers: count)
            let seconds = Date().timeIntervalSince(started)
            let text = summary.stats.reduce(0) { $0 + $1.sources.values.reduce(0) { $0 + $1.textBytes } }
            let ratio = seconds / reference
            print(row("plm ingest, \(count) worker\(count == 1 ? "" : "s")", seconds: seconds, bytes: inputBytes,
                      extra: String(format: "%6.2fx reference time, %7.1f MB/s of text out", ratio, Double(text) / 1e6 / seconds)))
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("peak RSS: \(usage.ru_maxrss / 1024) MB (whole benchmark process)")
    }

    /// Streams every input file through `zstd -3 -T1` (or just reads it) and returns the seconds taken.
    private func physicalPath(_ plan: IngestPlan, compress: Bool) throws -> Double {
        let started = Date()
        if !compress {
            for input in plan.inputs { try FileInput.readChunks(path: input.file.path) { _ in } }
            return Date().timeIntervalSince(started)
        }
        let zstd = Process()
        zstd.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        zstd.arguments = ["zstd", "-3", "-T1", "-q", "-c"]
        let pipe = Pipe()
        zstd.standardInput = pipe
        zstd.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try zstd.run()
        let sink = pipe.fileHandleForWriting
        for input in plan.inputs { try Self.decompressedBytes(of: input.file) { sink.write(Data($0)) } }
        try sink.close()
        zstd.waitUntilExit()
        guard zstd.terminationStatus == 0 else { throw ValidationError("zstd exited with \(zstd.terminationStatus)") }
        return Date().timeIntervalSince(started)
    }

    /// The bytes a file holds once any compression is undone: what ingest turns into text.
    static func decompressedBytes(of file: WalkedFile, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        func drain(_ reader: ArchiveReader) throws {
            while true {
                let count = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { return }
                try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
        }
        switch InputFormat.classify(name: file.relativePath, kind: .auto) {
        case .archive:
            let reader = try ArchiveReader(path: file.path, mode: .archive)
            while try reader.nextEntry() != nil { try drain(reader) }
        case .compressed: try drain(try ArchiveReader(path: file.path, mode: .compressedStream))
        default: try FileInput.readChunks(path: file.path, body)
        }
    }

    private func row(_ name: String, seconds: Double, bytes: Int, extra: String) -> String {
        name.padding(toLength: 34, withPad: " ", startingAt: 0)
            + String(format: "%7.2f s %8.1f MB/s of input  ", seconds, Double(bytes) / 1e6 / seconds) + extra
    }

    private func mb(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
}
