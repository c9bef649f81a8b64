import CorpusIO
import Foundation
import Stages

/// `<root>/slurm/jobs.json`: every submission of a Slurm run, with the job id of each stage's job, so
/// that `plm status` can show the jobs and a new submission can refuse while the last one is still queued.
public struct SlurmJobRecord: Codable, Sendable, Equatable {
    public struct Job: Codable, Sendable, Equatable {
        public var node: String
        /// The task stage of an array job; nil for a whole-node job.
        public var stage: String?
        /// The array's index list (`0-2,5`); nil for a whole-node job.
        public var array: String?
        public var jobID: String
        /// The job id this one waits for (`afterok`), if any.
        public var dependsOn: String?
        public var script: String

        /// `ingest`, `dedup/buckets`, `tokenizer-counts`, `train/anneal`: what messages call the job.
        public var label: String { Self.label(node: node, stage: stage) }

        static func label(node: String, stage: String?) -> String {
            stage.map { $0.hasPrefix(node) ? $0 : node + " " + $0 } ?? node
        }

        enum CodingKeys: String, CodingKey {
            case node, stage, array, script
            case jobID = "job_id", dependsOn = "depends_on"
        }
    }

    public struct Submission: Codable, Sendable, Equatable {
        /// ISO 8601, UTC.
        public var submitted: String
        public var jobs: [Job]
    }

    public var submissions: [Submission] = []

    public init() {}

    public static func path(root: String) -> String { root + "/slurm/jobs.json" }

    /// The record of the run at `root`; empty when it was never submitted to Slurm.
    public static func load(root: String) throws -> SlurmJobRecord {
        let path = path(root: root)
        guard FileSystem.exists(path) else { return SlurmJobRecord() }
        do {
            return try JSONDecoder().decode(SlurmJobRecord.self, from: Data(try FileInput.readAll(path: path)))
        } catch {
            throw ExecutorError(message: "\(path) is not a job record plm can read (\(error)); move it away to start a new one")
        }
    }

    public func write(root: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let path = Self.path(root: root)
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try FileSystem.writeAtomically(Array(try encoder.encode(self)) + [0x0A], to: path)
    }
}
