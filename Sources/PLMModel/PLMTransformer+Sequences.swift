/// Whole-sequence log-probabilities, for preference training: DPO compares the log-probability of a
/// chosen and a rejected answer under the policy and a frozen reference.
extension PLMTransformer {
    /// For each row b of the batch: the sum over its positions t of mask * log p(target) (the mask's
    /// weight, 1 without one). Forward pass only.
    public func sequenceLogProbabilities(_ batch: TokenBatch) -> [Double] {
        let arena = forward(batch)
        return Self.rowSums(headLosses(batch, arena, gradientScale: nil), batch)
    }

    /// One forward pass; each row's log-probability goes to `coefficients`, which returns c_b per row; then
    /// the gradient of sum_b c_b * logp_b is added to `gradients`. Returns the rows' log-probabilities.
    ///
    /// How: d logp_b / d logits_i = onehot - softmax on the rows of sequence b, which is the cross-entropy
    /// gradient with weight -1. So a second pass of the head over the cached activations, with weight
    /// -c_b * mask_i on each position, leaves exactly d(sum_b c_b logp_b)/d(lnf) for the usual backward.
    @discardableResult
    public func forwardBackwardSequences(_ batch: TokenBatch, coefficients: ([Double]) -> [Double]) -> [Double] {
        let arena = forward(batch)
        let logProbabilities = Self.rowSums(headLosses(batch, arena, gradientScale: nil), batch)
        let c = coefficients(logProbabilities)
        precondition(c.count == batch.batchSize, "one coefficient per row")
        let t = batch.sequenceLength
        var weighted = batch
        weighted.lossMask = (0..<batch.batchSize * t).map { i in
            -Float(c[i / t]) * (batch.lossMask?[i] ?? 1)
        }
        _ = headLosses(weighted, arena, gradientScale: 1)
        backward(weighted, arena)
        return logProbabilities
    }

    /// -(sum of a row's losses): its log-probability.
    static func rowSums(_ losses: [Double], _ batch: TokenBatch) -> [Double] {
        let t = batch.sequenceLength
        return (0..<batch.batchSize).map { b in -losses[(b * t)..<((b + 1) * t)].reduce(0, +) }
    }
}
