import Testing
@testable import PLMModel

/// The named shapes and the checks that refuse unusable ones.
@Suite struct TransformerPresetTests {
    @Test func presetsHaveTheirAdvertisedSizes() throws {
        for name in PLMConfig.presetNames { try PLMConfig.preset(named: name).validate() }
        let tiny = try PLMConfig.preset(named: "plm-tiny").parameterCount
        let small = try PLMConfig.preset(named: "plm-small").parameterCount
        let big = try PLMConfig.preset(named: "plm-1.8b")
        #expect(tiny > 900_000 && tiny < 1_200_000)
        #expect(small > 25_000_000 && small < 35_000_000)
        #expect(big.parameterCount > 1_750_000_000 && big.parameterCount < 1_900_000_000)
        #expect(big.hiddenSize == 2048 && big.numHiddenLayers == 32 && big.numAttentionHeads == 16)
        #expect(big.kvLoraRank == 512 && big.qkNopeHeadDim == 128 && big.qkRopeHeadDim == 64 && big.vHeadDim == 128)
        #expect(big.intermediateSize == 8192 && big.vocabSize == 151_936 && big.ropeTheta == 100_000)
        #expect(PLMConfig.plmTiny.withVocabSize(300).vocabSize == 300)
        #expect(throws: PLMConfigError.unknownPreset("plm-huge", known: PLMConfig.presetNames)) {
            try PLMConfig.preset(named: "plm-huge")
        }
    }

    @Test func badShapesNameTheirField() {
        var oddRope = PLMConfig.plmTiny
        oddRope.qkRopeHeadDim = 15
        #expect(throws: PLMConfigError.invalid(field: "qk_rope_head_dim", value: "15", reason: "must be even (RoPE pairs)")) {
            try oddRope.validate()
        }
        var heads = PLMConfig.plmTiny
        heads.numAttentionHeads = 3
        #expect(throws: PLMConfigError.invalid(field: "num_attention_heads", value: "3",
                                               reason: "must divide hidden_size 128")) { try heads.validate() }
        var empty = PLMConfig.plmTiny
        empty.vocabSize = 0
        #expect(throws: PLMConfigError.invalid(field: "vocab_size", value: "0", reason: "must be positive")) {
            try empty.validate()
        }
        var eps = PLMConfig.plmTiny
        eps.rmsNormEps = 0
        #expect(throws: (any Error).self) { try eps.validate() }
        #expect(String(describing: PLMConfigError.invalid(field: "vocab_size", value: "0", reason: "must be positive"))
            .contains("vocab_size"))
    }
}
