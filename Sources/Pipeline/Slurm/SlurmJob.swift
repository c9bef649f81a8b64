/// One sbatch job of a Slurm run: a whole graph node (one task: tokenizer, pack, a training phase, an
/// evaluation), or one task stage of a node as an array job over the tasks that are not complete.
public struct SlurmJob: Sendable, Equatable {
    /// The graph node (`ingest`, `dedup`, `train/anneal`).
    public var node: String
    /// The node's task stage an array job runs (`dedup/buckets`); nil for a whole-node job.
    public var stage: String?
    /// The array's task numbers; nil for a whole-node job.
    public var tasks: [Int]?
    /// All tasks of the stage (the array's share of them is shown in messages).
    public var stageTasks: Int
    /// Where the script is written: `<root>/slurm/<NN>-<node>[-<stage>].sbatch`.
    public var scriptPath: String
    public var script: String

    /// What messages and the job record call it.
    public var label: String { SlurmJobRecord.Job.label(node: node, stage: stage) }
}
