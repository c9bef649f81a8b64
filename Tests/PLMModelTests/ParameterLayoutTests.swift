import Testing
@testable import PLMModel

@Suite struct ParameterLayoutTests {
    /// The PLM-1.8B shape from the paper: its parameter count is the published figure's order.
    @Test func fullSizeLayoutCountsParameters() {
        let config = PLMConfig(hiddenSize: 2048, numHiddenLayers: 32, numAttentionHeads: 16, kvLoraRank: 512,
                               qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, intermediateSize: 8192,
                               vocabSize: 151_936, maxPositionEmbeddings: 4096)
        let layout = ParameterLayout(config: config)
        #expect(layout.tensors.count == 1 + 32 * 9 + 1)
        #expect(layout.tensor(named: "model.layers.0.self_attn.kv_b_proj.weight")?.shape == [16 * 256, 512])
        #expect(layout.tensor(named: "model.layers.31.self_attn.q_proj.weight")?.shape == [16 * 192, 2048])
        let last = layout.tensors.last!
        #expect(last.offset + last.count == layout.totalCount)
        #expect((1_700_000_000...1_900_000_000).contains(layout.totalCount))
    }
}
