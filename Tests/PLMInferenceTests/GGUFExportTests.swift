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
            #expect(try PLMGGUFExport.resolveCheckpoint(step) == step)
            #expect(try PLMGGUFExport.resolveCheckpoint(step + "/") == step)
            #expect(try PLMGGUFExport.resolveCheckpoint(folder + "/run/train/anneal/checkpoints") == step)
            #expect(PLMGGUFExport.findTokenizer(for: step) == folder + "/run/tokenizer")
            // A tokenizer.json in the checkpoint folder comes first.
            try FileManager.default.copyItem(atPath: folder + "/run/tokenizer/tokenizer.json", toPath: step + "/tokenizer.json")
            #expect(PLMGGUFExport.findTokenizer(for: step) == step)

            let notACheckpoint = exportError { _ = try PLMGGUFExport.resolveCheckpoint(folder + "/run/train") }
            #expect(notACheckpoint?.message.contains("neither a checkpoint folder") == true)
            #expect(exportError { _ = try PLMGGUFExport.resolveCheckpoint(folder + "/missing") }?.message.contains("not a folder") == true)
            try FileSystem.writeAtomically(Array("step-00000009\n".utf8), to: folder + "/run/train/anneal/checkpoints/latest")
            #expect(exportError { _ = try PLMGGUFExport.resolveCheckpoint(folder + "/run/train/anneal") } != nil)
        }
    }

    @Test func refusesAMissingTokenizerAndMismatchedCheckpoint() throws {
        try withTemporaryFolder { folder in
            let model = GGUFFixtures.model(GGUFFixtures.config())
            try Checkpoint.writeModel(model, to: folder)
            let noTokenizer = exportError { _ = try PLMGGUFExport.export(checkpoint: folder, to: folder + "/x.gguf", type: .f16) }
            #expect(noTokenizer?.message.contains("give one with --tokenizer") == true)

            // config.json that does not match the tensors: the tensor and both shapes are named.
            let tokenizer = folder + "/tok"
            try TokenizerFileWriter.write(try GGUFFixtures.tokenizerModel(), config: TokenizerConfigFile(), to: tokenizer)
            try HFConfigFile(config: GGUFFixtures.config(vocabSize: 310)).write(to: folder + "/config.json")
            let mismatch = exportError {
                _ = try PLMGGUFExport.export(checkpoint: folder, tokenizer: tokenizer, to: folder + "/x.gguf", type: .f16)
            }
            #expect(mismatch?.message == "tensor 'model.embed_tokens.weight' has shape [300, 64], config.json asks for [310, 64]")
            #expect(!FileManager.default.fileExists(atPath: folder + "/x.gguf"))
        }
    }

    @Test func readsRoleTokensAndTemplatesInEveryForm() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/tokenizer_config.json"
            let json = """
                {"bos_token": {"content": "<|im_start|>", "lstrip": false}, "eos_token": "<|im_end|>", "pad_token": null,
                 "model_max_length": 1e30, "chat_template": [{"name": "tool_use", "template": "T"},
                 {"name": "default", "template": "D"}]}
                """
            try Data(json.utf8).write(to: URL(fileURLWithPath: path))
            let config = try TokenizerConfigReading.read(path: path)
            #expect(config == TokenizerConfigFile(bosToken: "<|im_start|>", eosToken: "<|im_end|>", padToken: nil,
                                                  modelMaxLength: Int(Int32.max), chatTemplate: "D"))
            let model = try GGUFFixtures.tokenizerModel()
            let tokenizer = try GGUFTokenizer(model: model, config: config)
            #expect(tokenizer.bosTokenId == 1 && tokenizer.eosTokenId == 2 && tokenizer.padTokenId == nil)
            #expect(throws: TokenizerError.self) {
                try GGUFTokenizer(model: model, config: TokenizerConfigFile(eosToken: "<|nope|>"))
            }
        }
    }

    private func exportError(_ body: () throws -> Void) -> GGUFExportError? {
        do { try body() } catch let error as GGUFExportError { return error } catch { return nil }
        return nil
    }
}
