import Foundation
import Testing
@testable import PLMModel

/// DPO against a plain PyTorch DPO (Benchmarks/torch/dpo_golden.py, float64 autograd over the independent
/// PyTorch PLM), without torch: torch-drawn policy and reference weights and three pairs; plm's answer
/// log-probabilities, loss, rewards and per-tensor gradient norms must match.
@Suite struct DPOGoldenTests {
    struct Expected: Decodable {
        var beta: Double
        var label_smoothing: Double
        var pairs: Int
        var loss: Double
        var policy_logp: [Double]
        var reference_logp: [Double]
        var chosen_reward: Double
        var rejected_reward: Double
        var margin: Double
        var accuracy: Double
        var grad_norms: [String: Double]
    }

    @Test func torchDPOGivesTheSameLossLogProbabilitiesAndGradients() throws {
        let folder = goldenFolder("../dpo_golden/tiny")
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json")))
        let batch = try JSONDecoder().decode(ParityGoldenTests.Tokens.self,
                                             from: Data(contentsOf: URL(fileURLWithPath: folder + "/pairs.json"))).batch
        let policy = try Checkpoint.loadModel(from: folder + "/policy", options: ModelOptions(threads: 2))
        let reference = try Checkpoint.loadModel(from: folder + "/reference", options: ModelOptions(threads: 2))
        let referenceLogp = reference.sequenceLogProbabilities(batch)
        for (ours, torch) in zip(referenceLogp, expected.reference_logp) { #expect(abs(ours - torch) <= 1e-5 * abs(torch)) }
        let dpo = DPOLoss(beta: expected.beta, labelSmoothing: expected.label_smoothing)
        let n = expected.pairs
        var results: [DPOLoss.Result] = []
        policy.zeroGradients()
        let policyLogp = policy.forwardBackwardSequences(batch) { logp in
            results = (0..<n).map { dpo.evaluate(.init(policyChosen: logp[$0], policyRejected: logp[n + $0],
                                                       referenceChosen: referenceLogp[$0], referenceRejected: referenceLogp[n + $0])) }
            return results.map { $0.dChosen / Double(n) } + results.map { $0.dRejected / Double(n) }
        }
        for (ours, torch) in zip(policyLogp, expected.policy_logp) { #expect(abs(ours - torch) <= 1e-5 * abs(torch)) }
        let loss = results.map(\.loss).reduce(0, +) / Double(n)
        #expect(abs(loss - expected.loss) <= 1e-5 * expected.loss, "loss \(loss) vs torch \(expected.loss)")
        #expect(abs(results.map(\.margin).reduce(0, +) / Double(n) - expected.margin) <= 1e-4 * max(1e-3, abs(expected.margin)))
        #expect(Double(results.filter { $0.margin > 0 }.count) / Double(n) == expected.accuracy)
        #expect(Set(expected.grad_norms.keys) == Set(policy.layout.tensors.map(\.name)))
        for tensor in policy.layout.tensors {
            let norm = AdamW.norm(UnsafeMutableBufferPointer(rebasing: policy.gradients[tensor.offset..<tensor.offset + tensor.count]))
            let torch = try #require(expected.grad_norms[tensor.name])
            #expect(abs(norm - torch) <= 1e-4 * torch, "\(tensor.name): \(norm) vs torch \(torch)")
        }
    }
}
