import PLMModel

/// The pipeline's `schedule:` section: one WSDC curve over the whole run, with the phases, in run
/// order, each mapped onto a segment (`stable`, `decay` or `constant`; the warmup is the start of
/// the first stable phase) and given a length in steps or tokens.
public struct ScheduleSettings: Sendable, Equatable {
    public var peakLearningRate = 3e-4
    public var floorLearningRate = 3e-5
    public var warmupSteps = 0
    public var decayShape = DecayShape.oneMinusSqrt
    /// Phases in run order; a phase given in tokens is converted with the model's batch_tokens.
    public var phases: [SchedulePhase] = []

    public init() {}

    static let yamlKeys = ["peak_lr", "floor_lr", "warmup_steps", "decay_shape", "phases"]
    static let phaseKeys = ["name", "segment", "steps", "tokens"]

    init(section: YAMLMapping?, batchTokens: Int) throws(ConfigError) {
        self.init()
        guard let section else { return }
        if let value = try section.optionalDouble("peak_lr") {
            guard value > 0 else { throw section.invalid("peak_lr", mustBe: "a positive number") }
            peakLearningRate = value
        }
        if let value = try section.optionalDouble("floor_lr") {
            guard value >= 0, value <= peakLearningRate else {
                throw section.invalid("floor_lr", mustBe: "a number in [0, peak_lr]")
            }
            floorLearningRate = value
        }
        if let value = try section.optionalInt("warmup_steps", atLeast: 0) { warmupSteps = value }
        if let value = try section.optionalChoice("decay_shape", as: DecayShape.self) { decayShape = value }
        for (index, node) in (try section.optionalList("phases") ?? []).enumerated() {
            let context = ConfigNames.peekName(node).map { "schedule phase '\($0)'" } ?? "schedule phase #\(index + 1)"
            let entry = try YAMLMapping(node, file: section.file, context: context, allowed: Self.phaseKeys)
            let name = try entry.string("name")
            let kind = try entry.optionalChoice("segment", as: SchedulePhase.Kind.self) ?? .stable
            let steps = try entry.optionalInt("steps", atLeast: 1)
            let tokens = try entry.optionalTokenCount("tokens")
            guard (steps == nil) != (tokens == nil) else {
                throw entry.error(at: entry.location, "\(context) needs exactly one of 'steps' or 'tokens'")
            }
            // Tokens round up to whole steps, so the phase sees at least its budget.
            let count = steps ?? max(1, (tokens! + batchTokens - 1) / batchTokens)
            phases.append(SchedulePhase(name: name, kind: kind, steps: count))
        }
    }

    /// The run's schedule; errors (phase order, warmup length) name the pipeline file.
    public func phasedSchedule(file: String) throws(ConfigError) -> PhasedSchedule {
        do {
            return try PhasedSchedule(phases: phases, peakLearningRate: peakLearningRate,
                                      floorLearningRate: floorLearningRate, warmupSteps: warmupSteps,
                                      decayShape: decayShape)
        } catch {
            throw ConfigError(file: file, location: nil, message: "section 'schedule': \(error.message)")
        }
    }
}

extension PipelineConfig {
    /// The typed `schedule:` section; phase lengths in tokens use the model's batch_tokens.
    public func scheduleSettings() throws(ConfigError) -> ScheduleSettings {
        let section = try reserved["schedule"].map { node throws(ConfigError) in
            try YAMLMapping(node, file: path, context: "section 'schedule'", allowed: ScheduleSettings.yamlKeys)
        }
        return try ScheduleSettings(section: section, batchTokens: modelSettings().batchTokens)
    }
}
