/// A stage of one task whose work is a closure: for stages that are one job by nature (a tokenizer
/// training, a training phase) but keep the same markers, logs and stats as every other stage.
public struct ClosureStage: TaskStage {
    public let name: String
    public var taskCount: Int { 1 }
    private let body: @Sendable (TaskLog, ProgressCounters) throws -> TaskStats

    public init(name: String, body: @escaping @Sendable (TaskLog, ProgressCounters) throws -> TaskStats) {
        self.name = name
        self.body = body
    }

    public func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
        try body(log, progress)
    }
}
