import Testing
@testable import PLMModel

/// Attention sees only the past (causal), and with document masking only its own document.
@Suite struct TransformerMaskTests {
    let config = TransformerTestSupport.microConfig

    @Test func changingAFutureTokenLeavesEarlierLogitsAlone() {
        let model = PLMTransformer(config: config, seed: 1, options: ModelOptions(threads: 2))
        TransformerTestSupport.spreadParameters(model, seed: 2)
        let t = 6, v = config.vocabSize
        let batch = TransformerTestSupport.batch(batchSize: 2, sequenceLength: t, vocab: v, seed: 3)
        var changed = batch
        changed.inputs[4] = (batch.inputs[4] + 1) % Int32(v)       // sequence 0, position 4
        let before = model.logits(batch), after = model.logits(changed)
        #expect(before[0..<(4 * v)] == after[0..<(4 * v)])                     // positions 0-3 untouched
        #expect(before[(4 * v)..<(6 * v)] != after[(4 * v)..<(6 * v)])         // 4 and 5 see the change
        #expect(before[(6 * v)...] == after[(6 * v)...])                       // the other sequence too
    }

    @Test func documentMaskIsolatesPackedDocuments() {
        let t = 7, v = config.vocabSize
        let packed = TransformerTestSupport.batch(batchSize: 1, sequenceLength: t, vocab: v, seed: 4,
                                                  documentIndex: [0, 0, 0, 1, 1, 1, 1])
        let masked = PLMTransformer(config: config, seed: 5,
                                    options: ModelOptions(maskAcrossDocuments: true, threads: 2))
        TransformerTestSupport.spreadParameters(masked, seed: 6)
        // The second document alone, from position 0: RoPE scores depend only on relative positions,
        // so its logits match the packed ones.
        let alone = TokenBatch(batchSize: 1, sequenceLength: 4, inputs: Array(packed.inputs[3...]),
                               targets: Array(packed.targets[3...]))
        let packedLogits = masked.logits(packed), aloneLogits = masked.logits(alone)
        let difference = zip(packedLogits[(3 * v)...], aloneLogits).map { abs($0 - $1) }.max()!
        #expect(difference < 1e-4)
        // Changing the first document does not reach the second.
        var changed = packed
        changed.inputs[1] = (packed.inputs[1] + 1) % Int32(v)
        let changedLogits = masked.logits(changed)
        #expect(changedLogits[(3 * v)...] == packedLogits[(3 * v)...])
        #expect(changedLogits[(1 * v)..<(3 * v)] != packedLogits[(1 * v)..<(3 * v)])
        // Without document masking (same weights) the second document does see the first.
        let unmasked = PLMTransformer(config: config, seed: 5, options: ModelOptions(threads: 2))
        TransformerTestSupport.spreadParameters(unmasked, seed: 6)
        let unmaskedLogits = unmasked.logits(packed)
        #expect(unmaskedLogits[0..<(3 * v)] == packedLogits[0..<(3 * v)])
        #expect(zip(unmaskedLogits[(3 * v)...], aloneLogits).map { abs($0 - $1) }.max()! > 1e-3)
    }
}
