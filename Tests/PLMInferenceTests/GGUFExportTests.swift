import CorpusIO
import Foundation
import PLMModel
import Testing
import Tokenization
@testable import PLMInference

/// Exporting checkpoint folders: finding the checkpoint and its tokenizer, and the values written.
@Suite struct GGUFExportTests {
    /// A run laid out as the trainer leaves it: run/tokenizer/, run/train/anneal/checkpoints/step-N + latest.
    private func makeRun(in folder: String) throws -> (model: PLMTransformer, tokenizer: BPEModel) {
        let tokenizer = try GGUFFixtures.tokenizerModel()
        try TokenizerFileWriter.write(tokenizer, config: TokenizerConfigFile(), to: folder + "/run/tokenizer")
        let model = GGUFFixtures.model(GGUFFixtures.config())
        let checkpoints = folder + "/run/train/anneal/checkpoints"
        try FileSystem.createDirectory(checkpoints + "/step-00000005")
        try Checkpoint.writeModel(model, to: checkpoints + "/step-00000005")
        try FileSystem.writeAtomically(Array("step-00000005\n".utf8), to: checkpoints + "/latest")
        return (model, tokenizer)
    }

    @Test func exportsTheLatestCheckpointOfAPhase() throws {
        try withTemporaryFolder { folder in
            let (model, tokenizer) = try makeRun(in: folder)
            let output = folder + "/out.gguf"
            let result = try PLMGGUFExport.export(checkpoint: folder + "/run/train/anneal", to: output, type: .f32)
            #expect(result.checkpoint.hasSuffix("/run/train/anneal/checkpoints/step-00000005"))
            #expect(result.tokenizer.hasSuffix("/run/tokenizer"))
            #expect(result.summary.tensorCount == model.layout.tensors.count)
            #expect(result.summary.byteCount == (try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int))

            let read = try PLMGGUFModel(path: output)
            #expect(read.name == "anneal-step-00000005")
            #expect(read.config == model.config)
            #expect(read.tokenizer.model == tokenizer)
            #expect(read.tokenizer.chatTemplate == TokenizerConfigFile.chatMLTemplate)
            #expect(read.tokenizer.eosTokenId == 0 && read.tokenizer.padTokenId == 0 && read.tokenizer.bosTokenId == nil)
            for tensor in model.layout.tensors {
                let values = Array(model.parameters[tensor.offset..<tensor.offset + tensor.count])
                #expect(read.weight(tensor.kind, layer: tensor.layer).decoded() == values, "\(tensor.name)")
            }
        }
    }

    @Test func findsCheckpointsAndTokenizers() throws {
        try withTemporaryFolder { folder in
            _ = try makeRun(in: folder)
            let step = folder + "/run/train/anneal/checkpoints/step-00000005"
            for argument in [step, step + "/", folder + "/run/train/anneal/checkpoints"] {
                let result = try PLMGGUFExport.export(checkpoint: argument, to: folder + "/x.gguf", type: .f16)
                #expect(result.checkpoint == step, "\(argument)")
                #expect(result.tokenizer == folder + "/run/tokenizer")
            }
            // A tokenizer.json in the checkpoint folder comes first; --tokenizer before both.
            try FileManager.default.copyItem(atPath: folder + "/run/tokenizer/tokenizer.json", toPath: step + "/tokenizer.json")
            #expect(try PLMGGUFExport.export(checkpoint: step, to: folder + "/x.gguf", type: .f16).tokenizer == step)
            let explicit = try PLMGGUFExport.export(checkpoint: step, tokenizer: folder + "/run/tokenizer/tokenizer.json",
                                                    to: folder + "/x.gguf", type: .f16)
            #expect(explicit.tokenizer == folder + "/run/tokenizer")

            #expect(failure { _ = try PLMGGUFExport.export(checkpoint: folder + "/run/train", to: folder + "/y.gguf",
                                                           type: .f16) }?.contains("holds no checkpoint") == true)
            let gguf = failure { _ = try PLMGGUFExport.export(checkpoint: folder + "/x.gguf", to: folder + "/y.gguf", type: .f16) }
            #expect(gguf?.contains("is a GGUF file already") == true)
            #expect(!FileManager.default.fileExists(atPath: folder + "/y.gguf"))
        }
    }

    @Test func refusesAMissingTokenizerAndMismatchedCheckpoint() throws {
        try withTemporaryFolder { folder in
            let model = GGUFFixtures.model(GGUFFixtures.config())
            try Checkpoint.writeModel(model, to: folder)
            let noTokenizer = failure { _ = try PLMGGUFExport.export(checkpoint: folder, to: folder + "/x.gguf", type: .f16) }
            #expect(noTokenizer?.contains("give one with --tokenizer") == true)

            // config.json that does not match the tensors: the tensor and both shapes are named.
            let tokenizer = folder + "/tok"
            try TokenizerFileWriter.write(try GGUFFixtures.tokenizerModel(), config: TokenizerConfigFile(), to: tokenizer)
            try HFConfigFile(config: GGUFFixtures.config(vocabSize: 310)).write(to: folder + "/config.json")
            let mismatch = failure {
                _ = try PLMGGUFExport.export(checkpoint: folder, tokenizer: tokenizer, to: folder + "/x.gguf", type: .f16)
            }
            #expect(mismatch?.contains("model.embed_tokens.weight") == true && mismatch?.contains("[310, 64]") == true)
            #expect(!FileManager.default.fileExists(atPath: folder + "/x.gguf"))
        }
    }

    @Test func roleTokensComeFromTheConfig() throws {
        let model = try GGUFFixtures.tokenizerModel()
        let tokenizer = try GGUFTokenizer(model: model, config: TokenizerConfigFile(
            bosToken: "<|im_start|>", eosToken: "<|im_end|>", padToken: nil, chatTemplate: "D"))
        #expect(tokenizer.bosTokenId == 1 && tokenizer.eosTokenId == 2 && tokenizer.padTokenId == nil)
        #expect(tokenizer.chatTemplate == "D")
        #expect(throws: TokenizerError.self) {
            try GGUFTokenizer(model: model, config: TokenizerConfigFile(eosToken: "<|nope|>"))
        }
    }

    /// The description of whatever a call threw.
    private func failure(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return "\(error)" }
        return nil
    }
}
