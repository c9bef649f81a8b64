import PLMModel

/// Model shapes `plm train --preset` knows. Stopgap until the model's own preset table (with its
/// config files) lands; the 1.8B shape is the paper's. Vocab sizes are defaults: a run's tokenizer
/// (or --vocab-size) overrides them.
enum TrainPresets {
    static let names = ["plm-tiny", "plm-small", "plm-1.8b"]

    static func config(named name: String) -> PLMConfig? {
        switch name {
        case "plm-tiny":
            return PLMConfig(hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 4, kvLoraRank: 64,
                             qkNopeHeadDim: 32, qkRopeHeadDim: 16, vHeadDim: 32, intermediateSize: 512,
                             vocabSize: 512, maxPositionEmbeddings: 1024)
        case "plm-small":
            return PLMConfig(hiddenSize: 512, numHiddenLayers: 8, numAttentionHeads: 8, kvLoraRank: 128,
                             qkNopeHeadDim: 64, qkRopeHeadDim: 32, vHeadDim: 64, intermediateSize: 2048,
                             vocabSize: 8192, maxPositionEmbeddings: 2048)
        case "plm-1.8b":
            return PLMConfig(hiddenSize: 2048, numHiddenLayers: 32, numAttentionHeads: 16, kvLoraRank: 512,
                             qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, intermediateSize: 8192,
                             vocabSize: 151_936, maxPositionEmbeddings: 4096)
        default:
            return nil
        }
    }
}
