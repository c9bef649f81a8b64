import Foundation

/// How the decay segment goes from the peak to the floor (progress x runs from 0 to 1).
public enum DecayShape: String, Codable, Sendable, CaseIterable {
    /// peak - (peak - floor) x
    case linear
    /// floor + (peak - floor) (1 + cos(pi x)) / 2
    case cosine
    /// floor + (peak - floor) (1 - sqrt(x)), the shape MiniCPM and the WSD papers favour.
    case oneMinusSqrt = "1-sqrt"
}

/// The four segments of a WSDC learning-rate schedule, in order.
public enum ScheduleSegment: String, Codable, Sendable, CaseIterable {
    case warmup, stable, decay, constant
}

/// Warmup-Stable-Decay-Constant: linear from 0 to the peak over `warmupSteps`, the peak for
/// `stableSteps`, down to the floor over `decaySteps`, then the floor for `constantSteps`. Steps are
/// 0-based update numbers: step s uses `learningRate(at: s)`.
public struct WSDCSchedule: Codable, Sendable, Equatable {
    public var peakLearningRate: Double
    public var floorLearningRate: Double
    public var warmupSteps: Int
    public var stableSteps: Int
    public var decaySteps: Int
    public var constantSteps: Int
    public var decayShape: DecayShape

    enum CodingKeys: String, CodingKey {
        case peakLearningRate = "peak_lr", floorLearningRate = "floor_lr", warmupSteps = "warmup_steps"
        case stableSteps = "stable_steps", decaySteps = "decay_steps", constantSteps = "constant_steps"
        case decayShape = "decay_shape"
    }

    public init(peakLearningRate: Double, floorLearningRate: Double, warmupSteps: Int, stableSteps: Int,
                decaySteps: Int, constantSteps: Int, decayShape: DecayShape = .oneMinusSqrt) {
        precondition(warmupSteps >= 0 && stableSteps >= 0 && decaySteps >= 0 && constantSteps >= 0)
        self.peakLearningRate = peakLearningRate
        self.floorLearningRate = floorLearningRate
        self.warmupSteps = warmupSteps
        self.stableSteps = stableSteps
        self.decaySteps = decaySteps
        self.constantSteps = constantSteps
        self.decayShape = decayShape
    }

    public var totalSteps: Int { warmupSteps + stableSteps + decaySteps + constantSteps }

    /// The segment step `step` falls in; steps past the end count as constant.
    public func segment(at step: Int) -> ScheduleSegment {
        if step < warmupSteps { return .warmup }
        if step < warmupSteps + stableSteps { return .stable }
        if step < warmupSteps + stableSteps + decaySteps { return .decay }
        return .constant
    }

    public func learningRate(at step: Int) -> Double {
        let peak = peakLearningRate, floor = floorLearningRate
        switch segment(at: step) {
        case .warmup:
            // Step 0 takes a small but non-zero rate: (s + 1) / warmup reaches the peak on the last warmup step.
            return peak * Double(step + 1) / Double(warmupSteps)
        case .stable:
            return peak
        case .decay:
            // x = 1/decay on the first decay step, 1 (the floor) on the last.
            let x = Double(step - warmupSteps - stableSteps + 1) / Double(decaySteps)
            switch decayShape {
            case .linear: return peak - (peak - floor) * x
            case .cosine: return floor + (peak - floor) * (1 + cos(Double.pi * x)) / 2
            case .oneMinusSqrt: return floor + (peak - floor) * (1 - x.squareRoot())
            }
        case .constant:
            return floor
        }
    }
}
