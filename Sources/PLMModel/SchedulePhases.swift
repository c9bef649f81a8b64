/// A training phase's place in the run's schedule, in the order the phases run.
public struct SchedulePhase: Codable, Sendable, Equatable {
    /// What the phase does to the learning rate: `stable` phases hold the peak (the run's warmup is
    /// the start of the first one), `decay` phases share the decay to the floor, `constant` phases
    /// hold the floor (SFT and later).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case stable, decay, constant
    }

    public var name: String
    public var kind: Kind
    public var steps: Int

    public init(name: String, kind: Kind, steps: Int) {
        self.name = name
        self.kind = kind
        self.steps = steps
    }
}

/// A schedule wrong for its phases: the phases out of segment order, a warmup longer than the
/// stable phases, no steps.
public struct ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// One WSDC schedule over the whole run, cut into the pipeline's phases (e.g. pretrain-1 warmup +
/// stable, pretrain-2 stable, anneal decay, sft constant). Each phase knows its step range in the run,
/// so a phase started from the previous phase's checkpoint continues the same curve.
public struct PhasedSchedule: Codable, Sendable, Equatable {
    public var schedule: WSDCSchedule
    public var phases: [SchedulePhase]

    public init(phases: [SchedulePhase], peakLearningRate: Double, floorLearningRate: Double, warmupSteps: Int,
                decayShape: DecayShape) throws(ScheduleError) {
        guard !phases.isEmpty else { throw ScheduleError(message: "a schedule needs at least one phase") }
        var rank = 0
        for phase in phases {
            guard phase.steps >= 1 else {
                throw ScheduleError(message: "phase '\(phase.name)' has \(phase.steps) steps; it needs at least 1")
            }
            let order = SchedulePhase.Kind.allCases.firstIndex(of: phase.kind)!
            guard order >= rank else {
                throw ScheduleError(message: "phase '\(phase.name)' is \(phase.kind.rawValue) after a later segment; "
                    + "phases must run stable, then decay, then constant")
            }
            rank = order
        }
        if let duplicate = Dictionary(grouping: phases, by: \.name).first(where: { $0.value.count > 1 }) {
            throw ScheduleError(message: "phase '\(duplicate.key)' is listed twice")
        }
        func steps(_ kind: SchedulePhase.Kind) -> Int { phases.filter { $0.kind == kind }.map(\.steps).reduce(0, +) }
        let stable = steps(.stable)
        guard warmupSteps >= 0, warmupSteps <= stable else {
            throw ScheduleError(message: "warmup of \(warmupSteps) steps does not fit in the \(stable) steps of the "
                + "stable phases (warmup is their beginning)")
        }
        guard peakLearningRate > 0, floorLearningRate >= 0, floorLearningRate <= peakLearningRate else {
            throw ScheduleError(message: "learning rates need 0 <= floor (\(floorLearningRate)) <= peak (\(peakLearningRate)), peak > 0")
        }
        schedule = WSDCSchedule(peakLearningRate: peakLearningRate, floorLearningRate: floorLearningRate,
                                warmupSteps: warmupSteps, stableSteps: stable - warmupSteps, decaySteps: steps(.decay),
                                constantSteps: steps(.constant), decayShape: decayShape)
        self.phases = phases
    }

    /// The 0-based step range of phase `name` in the run.
    public func range(ofPhase name: String) -> Range<Int>? {
        var start = 0
        for phase in phases {
            if phase.name == name { return start..<start + phase.steps }
            start += phase.steps
        }
        return nil
    }

    public var totalSteps: Int { schedule.totalSteps }
}
