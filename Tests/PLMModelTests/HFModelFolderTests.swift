import Foundation
import Testing
@testable import PLMModel

/// Hugging Face PLM folders as users have them: one file or sharded, in F32, F16 or BF16.
@Suite struct HFModelFolderTests {
    static let layouts: [(SafeTensorsFloatType, Int)] = [(.f32, 1), (.bf16, 1), (.f16, 1), (.f32, 3), (.bf16, 3), (.f16, 4)]

    @Test(arguments: layouts)
    func loadsEveryLayoutAndDtype(dtype: SafeTensorsFloatType, shards: Int) throws {
        let folder = temporaryFolder()
        let layout = ParameterLayout(config: fileTestConfig)
        let values = HFFolderFixture.values(layout)
        try HFFolderFixture.write(config: fileTestConfig, values: values, dtype: dtype, shards: shards, to: folder)
        let expected = HFFolderFixture.expected(values, dtype)
        if dtype != .f32 { #expect(expected != values, "the fixture's values must exercise rounding") }

        let model = try Checkpoint.loadModel(from: folder)
        #expect(model.config == fileTestConfig)
        #expect(Array(model.parameters).map(\.bitPattern) == expected.map(\.bitPattern))

        // One tensor at a time, as the engine reads them.
        let opened = try Checkpoint.openModel(from: folder)
        #expect(opened.tensors.files.count == shards)
        #expect((opened.tensors.indexPath != nil) == (shards > 1))
        for tensor in layout.tensors {
            let want = Array(expected[tensor.offset..<tensor.offset + tensor.count])
            var read = [Float](repeating: .nan, count: tensor.count)
            try read.withUnsafeMutableBufferPointer { try opened.read(tensor, into: $0) }
            #expect(read == want, "\(tensor.name)")
            #expect(try opened.withFloats(tensor) { Array($0) } == want)
            #expect((opened.location(of: tensor).mappedFloats != nil) == (dtype == .f32))
            #expect(opened.location(of: tensor).dtype == dtype.rawValue)
        }

        // Resuming training from such a folder reads it the same way.
        let other = PLMTransformer(config: fileTestConfig, seed: 5, options: ModelOptions(threads: 1))
        try Checkpoint.loadWeights(into: other, from: folder)
        #expect(Array(other.parameters) == Array(model.parameters))
    }

    /// The 1.8B preset reads as a config, and a folder of the same structure (32 layers, 16 heads, tiny
    /// widths), sharded as transformers shards it and stored in bf16, loads.
    @Test func presetShapedShardedBF16FolderLoads() throws {
        let presets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("presets").path
        let big = try HFConfigFile.readModelConfig(path: presets + "/plm-1.8b.json")
        #expect(big == .plm1_8B)
        #expect(big.parameterCount > 1_700_000_000 && big.parameterCount < 1_900_000_000)
        let tiny = PLMConfig(hiddenSize: 32, numHiddenLayers: big.numHiddenLayers, numAttentionHeads: big.numAttentionHeads,
                             kvLoraRank: 8, qkNopeHeadDim: 2, qkRopeHeadDim: 2, vHeadDim: 2, intermediateSize: 64,
                             vocabSize: 64, maxPositionEmbeddings: 64)
        let folder = temporaryFolder()
        let layout = ParameterLayout(config: tiny)
        #expect(layout.tensors.map(\.name) == ParameterLayout(config: big).tensors.map(\.name))
        let values = HFFolderFixture.values(layout, seed: 7)
        try HFFolderFixture.write(config: tiny, values: values, dtype: .bf16, shards: 2, to: folder)
        let model = try Checkpoint.loadModel(from: folder)
        #expect(Array(model.parameters) == HFFolderFixture.expected(values, .bf16))
    }

    /// A tied `lm_head.weight` and RoPE `inv_freq` buffers are skipped with a note; anything else the
    /// PLM does not have is an error naming the tensor and its shard.
    @Test func harmlessExtrasAreIgnoredOthersRefused() throws {
        let layout = ParameterLayout(config: fileTestConfig)
        let values = HFFolderFixture.values(layout)
        let embedding = Array(values[0..<32 * 8])
        let folder = temporaryFolder()
        try HFFolderFixture.write(config: fileTestConfig, values: values, dtype: .bf16, shards: 2, extra: [
            ("lm_head.weight", [32, 8], embedding),
            ("model.layers.0.self_attn.rotary_emb.inv_freq", [1], [0.5]),
        ], to: folder)
        let opened = try Checkpoint.openModel(from: folder)
        #expect(opened.ignored.map(\.name) == ["lm_head.weight", "model.layers.0.self_attn.rotary_emb.inv_freq"])
        #expect(opened.ignored[0].reason.contains("tied"))
        #expect(opened.ignored[0].path.hasSuffix("model-00002-of-00002.safetensors"))

        for extra in [("lm_head.weight", [16, 8]), ("model.layers.0.mlp.gate_proj.weight", [16, 8])] {
            let bad = temporaryFolder()
            try HFFolderFixture.write(config: fileTestConfig, values: values, dtype: .bf16, shards: 2,
                                      extra: [(extra.0, extra.1, [Float](repeating: 0, count: 128))], to: bad)
            let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.openModel(from: bad) }
            #expect(error?.tensor == extra.0)
            #expect(error?.path == bad + "/model-00002-of-00002.safetensors")
            #expect(error?.message.contains("is not part of the model") == true)
        }
    }
}
