/// What each preference round adds, item by item, over the checkpoint its phase started from (the phase
/// evaluated just before it): the question the post-training run has to answer, and one that two
/// overlapping intervals cannot settle.
public struct PreferenceMargin: Sendable, Equatable {
    /// "aries round 0", then "aries" (the phase's own evaluation, its last round).
    public let label: String
    /// The phase the preference phase started from.
    public let baseline: String
    public let difference: PairedDifference
}

extension RunReport {
    /// For each preference phase and evaluation set `task`: each round against the phase before it.
    /// Empty where the scores kept no outcomes (runs before they were kept).
    public func preferenceMargins(task: String) -> [PreferenceMargin] {
        var margins: [PreferenceMargin] = []
        for (index, evaluation) in evaluations.enumerated() where index > 0 {
            guard let rounds = alignScores[evaluation.phase], let base = evaluations[index - 1].tasks[task] else { continue }
            let baseline = evaluations[index - 1].phase
            for (round, scores) in rounds.enumerated().dropLast() {
                if let score = scores[task], let difference = PairedDifference(from: base, to: score) {
                    margins.append(PreferenceMargin(label: "\(evaluation.phase) round \(round)", baseline: baseline,
                                                    difference: difference))
                }
            }
            if let score = evaluation.tasks[task], let difference = PairedDifference(from: base, to: score) {
                margins.append(PreferenceMargin(label: evaluation.phase, baseline: baseline, difference: difference))
            }
        }
        return margins
    }
}
