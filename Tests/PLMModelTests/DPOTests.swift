import CorpusIO
import Foundation
import Shards
import Testing
@testable import PLMModel

/// DPO by hand: the sequence log-probabilities, the loss and its gradient through the whole model
/// against central differences, and a few steps of the trainer on fixed pairs.
@Suite struct DPOTests {
    let config = TransformerTestSupport.microConfig

    /// Two pairs as one batch: rows 0-1 chosen, rows 2-3 rejected, answer masks over their last positions.
    func pairBatch(seed: UInt64) -> TokenBatch {
        let t = 6
        var batch = TransformerTestSupport.batch(batchSize: 4, sequenceLength: t, vocab: config.vocabSize, seed: seed)
        batch.lossMask = [0, 0, 1, 1, 1, 1,  0, 0, 0, 1, 1, 1,  0, 0, 1, 1, 1, 0,  0, 0, 0, 1, 1, 1]
        return batch
    }

    @Test func sequenceLogProbabilityIsMinusTheMaskedLossOfEachRow() {
        let model = PLMTransformer(config: config, seed: 3, options: ModelOptions(threads: 2))
        TransformerTestSupport.spreadParameters(model, seed: 4)
        let batch = pairBatch(seed: 5)
        let rows = model.sequenceLogProbabilities(batch)
        let t = batch.sequenceLength
        for b in 0..<batch.batchSize {
            let single = TokenBatch(batchSize: 1, sequenceLength: t, inputs: Array(batch.inputs[(b * t)..<((b + 1) * t)]),
                                    targets: Array(batch.targets[(b * t)..<((b + 1) * t)]),
                                    lossMask: Array(batch.lossMask![(b * t)..<((b + 1) * t)]))
            #expect(abs(rows[b] + model.loss(single).lossSum) < 1e-9)
        }
        #expect(rows.allSatisfy { $0 < 0 })
    }

    @Test func lossAtEqualModelsIsLogTwoAndItsGradientSplitsEvenly() {
        let result = DPOLoss(beta: 0.1).evaluate(.init(policyChosen: -3, policyRejected: -5, referenceChosen: -3,
                                                        referenceRejected: -5))
        #expect(abs(result.loss - log(2)) < 1e-12)
        #expect(result.margin == 0)
        #expect(abs(result.dChosen + 0.05) < 1e-12 && abs(result.dRejected - 0.05) < 1e-12)
        // Label smoothing pulls toward 0.5 both ways: at h = 0 the gradient is beta * (eps - 1/2).
        let smoothed = DPOLoss(beta: 0.1, labelSmoothing: 0.2).evaluate(.init(policyChosen: 0, policyRejected: 0,
                                                                             referenceChosen: 0, referenceRejected: 0))
        #expect(abs(smoothed.dChosen - 0.1 * (0.2 - 0.5)) < 1e-12)
        // Far apart the loss stays finite (log-sigmoid without overflow).
        let far = DPOLoss(beta: 1).evaluate(.init(policyChosen: -1000, policyRejected: 0, referenceChosen: 0, referenceRejected: 0))
        #expect(abs(far.loss - 1000) < 1e-9 && far.dChosen.isFinite)
    }

    @Test(arguments: [0.0, 0.1]) func gradientMatchesFiniteDifferencesOfTheLoss(labelSmoothing: Double) {
        let policy = PLMTransformer(config: config, seed: 1, options: ModelOptions(threads: 2))
        TransformerTestSupport.spreadParameters(policy, seed: 2)
        let reference = PLMTransformer(config: config, seed: 7, options: ModelOptions(threads: 2))
        TransformerTestSupport.spreadParameters(reference, seed: 8)
        let batch = pairBatch(seed: 9)
        let dpo = DPOLoss(beta: 0.5, labelSmoothing: labelSmoothing)
        let referenceLogp = reference.sequenceLogProbabilities(batch)
        func pairs(_ logp: [Double]) -> [DPOLoss.Result] {
            (0..<2).map { dpo.evaluate(.init(policyChosen: logp[$0], policyRejected: logp[2 + $0],
                                             referenceChosen: referenceLogp[$0], referenceRejected: referenceLogp[2 + $0])) }
        }
        func loss() -> Double { pairs(policy.sequenceLogProbabilities(batch)).map(\.loss).reduce(0, +) / 2 }
        policy.zeroGradients()
        policy.forwardBackwardSequences(batch) { logp in
            let results = pairs(logp)
            return results.map { $0.dChosen / 2 } + results.map { $0.dRejected / 2 }
        }
        let analytic = Array(policy.gradients)
        let parameters = policy.parameters.baseAddress!
        for tensor in policy.layout.tensors {
            let picks = Set((0..<min(8, tensor.count)).map { tensor.offset + $0 * (tensor.count - 1) / max(1, min(7, tensor.count - 1)) })
            let indices = picks.sorted()
            let numeric = GradientCheck.numeric(parameters, indices: indices, step: 1e-2, loss)
            let error = GradientCheck.relativeError(numeric: numeric, analytic: indices.map { Double(analytic[$0]) }, floor: 1e-3)
            #expect(error < 3e-2, "\(tensor.name): relative error \(error)")
        }
    }

    @Test func aReferenceOfAnotherShapeIsRefused() throws {
        var other = config
        other.hiddenSize = 12
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-dpo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try DPOFixtures.pairFolder(folder, vocab: config.vocabSize)
        let options = DPOFixtures.options(steps: 0..<1)
        #expect(throws: TrainingError.self) {
            _ = try PreferenceTrainer(policy: PLMTransformer(config: config, seed: 1), reference: PLMTransformer(config: other, seed: 1),
                                      source: source, options: options)
        }
    }
}

/// Preference shards packed from a few fixed pairs, byte tokens (vocabulary 259).
enum DPOFixtures {
    static let sequenceLength = 40
    static let config = PLMConfig(hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, kvLoraRank: 8, qkNopeHeadDim: 4,
                                  qkRopeHeadDim: 2, vHeadDim: 4, intermediateSize: 32, vocabSize: 259,
                                  maxPositionEmbeddings: 64, ropeTheta: 100)

    static func pairFolder(_ folder: String, vocab: Int = 259) throws -> PreferenceBatchSource {
        let pairs = [("1+1?", "2", "3"), ("2+2?", "4", "5"), ("3+1?", "4", "9"), ("2+5?", "7", "1")]
        let documents = pairs.enumerated().map { index, pair in
            PackDocument(id: "p\(index)", source: "prefs", content: .preference(
                prompt: [ChatMessage(role: .user, content: pair.0)], chosen: [ChatMessage(role: .assistant, content: pair.1)],
                rejected: [ChatMessage(role: .assistant, content: pair.2)]))
        }
        var options = PackOptions()
        options.seqLen = sequenceLength
        options.validationFraction = 0
        try PhasePacker(mixture: PhaseMixture(name: "pref", kind: .preference, weights: ["prefs": 1]), options: options,
                        encoder: ByteTokenEncoder(), tokenizerHash: "bytes").pack(documents, into: folder)
        return try PreferenceBatchSource(directory: folder + "/train", seed: 0)
    }

    static func options(steps: Range<Int>, checkpoints: String? = nil) -> PreferenceTrainerOptions {
        PreferenceTrainerOptions(loss: DPOLoss(beta: 0.5), pairsPerStep: 4, microPairs: 2, sequenceLength: sequenceLength,
                                 optimizer: AdamWSettings(weightDecay: 0), schedule: WSDCSchedule(
                                     peakLearningRate: 0.01, floorLearningRate: 0.01, warmupSteps: 0, stableSteps: 100,
                                     decaySteps: 0, constantSteps: 0, decayShape: .linear),
                                 steps: steps, phase: "pref", checkpointInterval: 2, checkpointDirectory: checkpoints,
                                 metricsPath: nil, seed: 0)
    }
}

@Suite struct PreferenceTrainerTests {
    @Test func stepsOnFixedPairsRaiseTheMarginFromZero() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-dpo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try DPOFixtures.pairFolder(folder)
        let reference = PLMTransformer(config: DPOFixtures.config, seed: 3, options: ModelOptions(threads: 1))
        let policy = PLMTransformer(config: DPOFixtures.config, seed: 3, options: ModelOptions(threads: 1))
        let trainer = try PreferenceTrainer(policy: policy, reference: reference, source: source,
                                            options: DPOFixtures.options(steps: 0..<12))
        let history = try trainer.run()
        #expect(history.count == 12)
        // The policy starts as the reference: loss log 2, margin 0.
        #expect(abs(history[0].loss - log(2)) < 1e-6 && abs(history[0].rewardMargin) < 1e-9)
        #expect(history.last!.rewardMargin > 0.5 && history.last!.rewardAccuracy == 1)
        #expect(history.last!.loss < history[0].loss)
        // The chosen answers' log-probability goes up against the rejected ones'.
        #expect(history.last!.chosenLogProbability - history.last!.rejectedLogProbability
                > history[0].chosenLogProbability - history[0].rejectedLogProbability)
    }

    @Test func aSecondRoundAppendsToThePhasesMetrics() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-dpo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try DPOFixtures.pairFolder(folder)
        for steps in [0..<2, 2..<5] {
            var options = DPOFixtures.options(steps: steps, checkpoints: folder + "/checkpoints")
            options.metricsPath = folder + "/metrics.jsonl"
            let trainer = try PreferenceTrainer(
                policy: PLMTransformer(config: DPOFixtures.config, seed: 3, options: ModelOptions(threads: 1)),
                reference: PLMTransformer(config: DPOFixtures.config, seed: 3, options: ModelOptions(threads: 1)),
                source: PreferenceBatchSource(directory: folder + "/train", seed: 0), options: options)
            if steps.lowerBound > 0 { try trainer.continueFrom(previousPhase: try #require(Checkpoint.latest(in: folder + "/checkpoints"))) }
            try trainer.run()
        }
        let lines = String(decoding: try FileInput.readAll(path: folder + "/metrics.jsonl"), as: UTF8.self).split(separator: "\n")
        let steps = try lines.map { try JSONDecoder().decode(PreferenceStepMetrics.self, from: Data($0.utf8)).step }
        #expect(steps == [0, 1, 2, 3, 4])
    }

    @Test func theNLLTermKeepsTheChosenAnswersLikely() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-dpo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try DPOFixtures.pairFolder(folder)
        func final(nll: Double) throws -> PreferenceStepMetrics {
            var options = DPOFixtures.options(steps: 0..<8)
            options.chosenNLLWeight = nll
            let trainer = try PreferenceTrainer(
                policy: PLMTransformer(config: DPOFixtures.config, seed: 3, options: ModelOptions(threads: 1)),
                reference: PLMTransformer(config: DPOFixtures.config, seed: 3, options: ModelOptions(threads: 1)),
                source: PreferenceBatchSource(directory: folder + "/train", seed: 0), options: options)
            let history = try trainer.run()
            // At the start the loss is log 2 plus the chosen answers' per-token NLL.
            if nll > 0 { #expect(history[0].loss > log(2) + 0.5) }
            return history.last!
        }
        let plain = try final(nll: 0), anchored = try final(nll: 1)
        #expect(anchored.chosenLogProbability > plain.chosenLogProbability)
        #expect(anchored.rewardAccuracy == 1)
    }

    @Test func theSourceReadsChosenThenRejectedRowsAndResumesAtTheSamePair() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-dpo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var source = try DPOFixtures.pairFolder(folder)
        let t = DPOFixtures.sequenceLength
        let first = try source.next(pairs: 2, sequenceLength: t)
        #expect(first.batchSize == 4)
        // Each answer's mask covers its answer and <|im_end|> (2 tokens: one digit, the marker).
        for row in 0..<4 { #expect(first.lossMask![(row * t)..<((row + 1) * t)].reduce(0, +) == 2) }
        // Chosen row b and rejected row 2 + b share their prompt.
        #expect(first.inputs[0..<20] == first.inputs[(2 * t)..<(2 * t + 20)])
        let saved = source.position
        let second = try source.next(pairs: 2, sequenceLength: t)
        try source.seek(to: saved)
        #expect(try source.next(pairs: 2, sequenceLength: t) == second)
        #expect(throws: ShardError.self) { _ = try PreferenceBatchSource(directory: folder + "/nope", seed: 0) }
    }

    @Test func aKilledPhaseResumesToTheSameWeights() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plm-dpo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try DPOFixtures.pairFolder(folder)
        func trainer(_ steps: Range<Int>, _ checkpoints: String) throws -> PreferenceTrainer {
            try PreferenceTrainer(policy: PLMTransformer(config: DPOFixtures.config, seed: 3, options: ModelOptions(threads: 1)),
                                  reference: PLMTransformer(config: DPOFixtures.config, seed: 3, options: ModelOptions(threads: 1)),
                                  source: PreferenceBatchSource(directory: folder + "/train", seed: 0),
                                  options: DPOFixtures.options(steps: steps, checkpoints: checkpoints))
        }
        let whole = try trainer(0..<6, folder + "/a")
        try whole.run()
        let interrupted = try trainer(0..<4, folder + "/b")
        try interrupted.run()
        let resumed = try trainer(0..<6, folder + "/b")
        try resumed.resume(from: try #require(Checkpoint.latest(in: folder + "/b")))
        #expect(resumed.step == 4)
        try resumed.run()
        #expect(Array(resumed.policy.parameters) == Array(whole.policy.parameters))
    }
}
