import Curation

extension ManifestEvaluation.ScorerKind {
    /// 1 when `response` gives `answer` by this rule, else 0.
    public func score(response: String, answer: String) -> Double {
        switch self {
        case .arithmetic: ArithmeticScorer().score(response: response, answer: answer)
        case .exact: response.trimmingCharacters(in: .whitespacesAndNewlines) == answer ? 1 : 0
        }
    }
}
