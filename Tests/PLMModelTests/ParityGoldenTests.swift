import Foundation
import Testing
@testable import PLMModel

/// The reverse parity check, without torch: weights drawn and saved by PyTorch
/// (Benchmarks/torch/parity_golden.py) load in plm and give the loss (relative 1e-5) and the per-tensor
/// gradient norms (relative 1e-4) that the independent PyTorch PLM (plm_reference.py, float64)
/// computed on the same tokens, plain, with a loss mask, and with attention kept inside documents.
@Suite struct ParityGoldenTests {
    struct Expected: Decodable {
        struct Case: Decodable {
            var tokens: String
            var mask_across_documents: Bool
            var loss: Double
            var count: Int
            var grad_norms: [String: Double]
        }
        var cases: [String: Case]
    }

    struct Tokens: Decodable {
        var batch_size: Int
        var sequence_length: Int
        var inputs: [Int32]
        var targets: [Int32]
        var loss_mask: [Float]?
        var document_index: [Int32]?

        var batch: TokenBatch {
            TokenBatch(batchSize: batch_size, sequenceLength: sequence_length, inputs: inputs, targets: targets,
                       lossMask: loss_mask, documentIndex: document_index)
        }
    }

    @Test(arguments: ["plain", "masked", "documents"])
    func torchWeightsGiveTorchLossAndGradients(name: String) throws {
        let folder = goldenFolder("tiny")
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json")))
        let golden = try #require(expected.cases[name])
        let tokens = try JSONDecoder().decode(Tokens.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/" + golden.tokens)))
        let model = try Checkpoint.loadModel(
            from: folder, options: ModelOptions(maskAcrossDocuments: golden.mask_across_documents, threads: 2))
        model.zeroGradients()
        let result = model.forwardBackward(tokens.batch, gradientScale: Float(1.0 / Double(golden.count)))
        #expect(result.count == golden.count)
        let loss = result.lossSum / Double(result.count)
        #expect(abs(loss - golden.loss) <= 1e-5 * golden.loss, "loss \(loss) vs torch \(golden.loss)")
        let forwardOnly = model.loss(tokens.batch)
        #expect(abs(forwardOnly.lossSum / Double(forwardOnly.count) - golden.loss) <= 1e-5 * golden.loss)
        #expect(Set(golden.grad_norms.keys) == Set(model.layout.tensors.map(\.name)))
        for tensor in model.layout.tensors {
            let slice = UnsafeMutableBufferPointer(rebasing: model.gradients[tensor.offset..<tensor.offset + tensor.count])
            let norm = AdamW.norm(slice)
            let reference = try #require(golden.grad_norms[tensor.name])
            #expect(abs(norm - reference) <= 1e-4 * reference, "\(tensor.name): \(norm) vs torch \(reference)")
        }
    }
}
