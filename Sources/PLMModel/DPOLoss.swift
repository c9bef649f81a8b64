import Foundation

/// Direct Preference Optimization (Rafailov et al. 2023) with cDPO's label smoothing: for a pair,
/// h = beta * ((pi_c - ref_c) - (pi_r - ref_r)) over summed answer log-probabilities, and
/// loss = -(1 - eps) * log sigmoid(h) - eps * log sigmoid(-h).
public struct DPOLoss: Sendable, Equatable {
    public var beta: Double
    public var labelSmoothing: Double

    public init(beta: Double = 0.1, labelSmoothing: Double = 0) {
        precondition(beta > 0 && labelSmoothing >= 0 && labelSmoothing < 0.5)
        self.beta = beta
        self.labelSmoothing = labelSmoothing
    }

    /// Log-probabilities of one pair's answers under the policy and the reference.
    public struct Pair: Sendable, Equatable {
        public var policyChosen: Double
        public var policyRejected: Double
        public var referenceChosen: Double
        public var referenceRejected: Double

        public init(policyChosen: Double, policyRejected: Double, referenceChosen: Double, referenceRejected: Double) {
            self.policyChosen = policyChosen
            self.policyRejected = policyRejected
            self.referenceChosen = referenceChosen
            self.referenceRejected = referenceRejected
        }
    }

    public struct Result: Sendable, Equatable {
        public var loss: Double
        /// d loss / d policyChosen and d loss / d policyRejected.
        public var dChosen: Double
        public var dRejected: Double
        /// DPO's implicit rewards: beta * (policy - reference) per answer.
        public var chosenReward: Double
        public var rejectedReward: Double
        public var margin: Double { chosenReward - rejectedReward }
    }

    public func evaluate(_ pair: Pair) -> Result {
        let chosen = beta * (pair.policyChosen - pair.referenceChosen)
        let rejected = beta * (pair.policyRejected - pair.referenceRejected)
        let h = chosen - rejected
        let eps = labelSmoothing
        let loss = -(1 - eps) * Self.logSigmoid(h) - eps * Self.logSigmoid(-h)
        // d/dh: -(1 - eps) * sigmoid(-h) + eps * sigmoid(h).
        let dh = -(1 - eps) * Self.sigmoid(-h) + eps * Self.sigmoid(h)
        return Result(loss: loss, dChosen: beta * dh, dRejected: -beta * dh, chosenReward: chosen, rejectedReward: rejected)
    }

    /// log(1 / (1 + e^-x)) without overflow for large |x|.
    static func logSigmoid(_ x: Double) -> Double { x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x)) }

    static func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
}
