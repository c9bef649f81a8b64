import Foundation
import PLMModel
import Testing
import Tokenization
@testable import PLMInference

/// Writing a PLM as GGUF and reading it back: shapes, values per type, the tokenizer, and refusals.
@Suite struct PLMGGUFTests {
    @Test(arguments: WeightType.allCases)
    func roundTripsEveryTensor(type: WeightType) throws {
        try withTemporaryFolder { folder in
            let path = folder + "/model.gguf"
            let config = GGUFFixtures.config()
            let tokenizer = try GGUFFixtures.tokenizer()
            let model = try GGUFFixtures.writeModel(to: path, type: type, config: config, tokenizer: tokenizer)
            let read = try PLMGGUFModel(path: path)
            #expect(read.config == config)
            #expect(read.tokenizer == tokenizer)
            #expect(read.name == "gguf-test")
            #expect(read.fileType == type)
            #expect(read.weights.count == config.tensorOrder.count)
            for (kind, layer) in config.tensorOrder {
                let weight = read.weight(kind, layer: layer)
                let shape = kind.shape(config)
                #expect(weight.type == (kind.isNorm ? .f32 : type), "\(kind) stays f32 only as a norm")
                #expect([weight.rows, weight.columns] == (shape.count == 1 ? [1, shape[0]] : shape))
                let original = try model.withValues(of: kind, layer: layer) { Array($0) }
                let expected = original.withUnsafeBufferPointer {
                    WeightMatrix.converting($0.baseAddress!, rows: weight.rows, columns: weight.columns, to: weight.type)
                }
                #expect(weight.decoded() == expected.decoded(), "\(kind.ggufName(layer: layer))")
            }
        }
    }

    /// A matrix whose rows are not whole q8_0 blocks (here: 48 columns) is written as f16, as llama.cpp's
    /// converter falls back; every other matrix of the file is q8_0 and the file type stays MOSTLY_Q8_0.
    @Test func q8_0FallsBackToF16ForPartialBlocks() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/model.gguf"
            let config = GGUFFixtures.config(hiddenSize: 48)
            try GGUFFixtures.writeModel(to: path, type: .q8_0, config: config)
            let read = try PLMGGUFModel(path: path)
            #expect(read.fileType == .q8_0)
            // Rows of hidden_size (48) values: f16. Rows of kv_lora_rank (32), H*v (32) or F (128): q8_0.
            for kind in [PLMTensorKind.embedding, .qProj, .kvaProj, .upProj] {
                #expect(read.weight(kind, layer: kind.isPerLayer ? 0 : nil).type == .f16, "\(kind)")
            }
            for kind in [PLMTensorKind.kvbProj, .oProj, .downProj] { #expect(read.weight(kind, layer: 1).type == .q8_0) }
            #expect(read.weight(.inputNorm, layer: 0).type == .f32)
            #expect(PLMGGUFWriter.storageType(shape: [10, 48], requested: .q8_0) == .f16)
            #expect(PLMGGUFWriter.storageType(shape: [10, 48], requested: .f32) == .f32)
            #expect(PLMGGUFWriter.storageType(shape: [48], requested: .q8_0) == .f32)
        }
    }

    @Test func tokenizerMetadataIsWhatLlamaCppReads() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/model.gguf"
            // Vocabulary padded past the tokenizer: 300 tokens, 320 embedding rows.
            let config = GGUFFixtures.config(vocabSize: 320)
            let tokenizer = try GGUFFixtures.tokenizer()
            try GGUFFixtures.writeModel(to: path, type: .f16, config: config, tokenizer: tokenizer)
            let file = try GGUFFile(path: path)
            let tokens = try #require(file.metadata["tokenizer.ggml.tokens"]?.arrayValue?.strings)
            let types = try #require(file.metadata["tokenizer.ggml.token_type"]?.arrayValue?.int32s)
            #expect(tokens.count == 320 && types.count == 320)
            #expect(Array(tokens.prefix(3)) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
            #expect(Array(types.prefix(4)) == [3, 3, 3, 1], "special tokens are control tokens")
            #expect(tokens[300] == "[PAD300]" && types[300] == 5 && types[319] == 5)
            #expect(file.metadata["tokenizer.ggml.model"] == .string("gpt2"))
            #expect(file.metadata["tokenizer.ggml.pre"] == .string("qwen2"))
            #expect(file.metadata["tokenizer.ggml.add_bos_token"] == .bool(false))
            // No BOS of its own: the end-of-text token stands in, never added.
            #expect(file.metadata["tokenizer.ggml.bos_token_id"] == .uint32(0))
            #expect(file.metadata["tokenizer.ggml.eos_token_id"] == .uint32(0))
            #expect(file.metadata["tokenizer.chat_template"] == .string(TokenizerConfigFile.chatMLTemplate))
            #expect(file.metadata["general.file_type"] == .uint32(1))
            #expect(file.metadata["general.quantization_version"] == .uint32(2))
            #expect(file.metadata["plm.attention.key_length"] == .uint32(24))
            #expect(file.metadata["plm.rope.dimension_count"] == .uint32(8))
            #expect(file.tensor(named: "token_embd.weight")?.dimensions == [64, 320])
            #expect(file.tensor(named: "output.weight") == nil)

            let read = try PLMGGUFModel(file: file)
            #expect(read.tokenizer == tokenizer, "the padding rows are not part of the tokenizer read back")
            #expect(read.tokenizer.bosTokenId == nil)
            #expect(read.tokenizer.config(modelMaxLength: 256).eosToken == "<|endoftext|>")
            let original = try BPETokenizer(model: tokenizer.model), back = try BPETokenizer(model: read.tokenizer.model)
            for text in GGUFFixtures.texts {
                #expect(back.encode(text, allowSpecial: true) == original.encode(text, allowSpecial: true))
            }
        }
    }

    @Test(arguments: [(SplitPreset.qwen2, "qwen2"), (.llama3, "llama-bpe"), (.gpt2, "gpt-2")])
    func presetsMapToLlamaCppNames(preset: SplitPreset, name: String) throws {
        try withTemporaryFolder { folder in
            let path = folder + "/model.gguf"
            var tokenizer = try GGUFFixtures.tokenizer(preset: preset)
            tokenizer.bosTokenId = 1
            try GGUFFixtures.writeModel(to: path, type: .f32, tokenizer: tokenizer)
            let read = try PLMGGUFModel(path: path)
            #expect(read.file.metadata["tokenizer.ggml.pre"] == .string(name))
            #expect(read.tokenizer.preset == preset)
            #expect(read.tokenizer.bosTokenId == 1)
            // llama.cpp ignores merges for pieces in the vocabulary under the Llama 3 names.
            #expect(read.tokenizer.model.ignoreMerges == (preset == .llama3))
            #expect(SplitPreset(llamaCppPreName: name) == preset)
        }
    }

    @Test func refusesAnotherArchitecture() throws {
        let error = try refusal { metadata, _ in metadata["general.architecture"] = .string("llama") }
        #expect(error?.subject == "key 'general.architecture'")
        #expect(error?.message == "is 'llama'; this engine reads 'plm' models")
        #expect(error?.offset != nil)
    }

    @Test func refusesAnUntiedOutputHead() throws {
        let error = try refusal { _, tensors in
            tensors.append(GGUFTensorInfo(name: "output.weight", dimensions: [64, 300], type: .f16))
        }
        #expect(error?.subject == "tensor 'output.weight'")
        #expect(error?.message.contains("ties its output head to token_embd.weight") == true)
    }

    @Test func refusesMissingExtraAndMisshapedTensors() throws {
        let missing = try refusal { _, tensors in tensors.removeAll { $0.name == "blk.1.ffn_down.weight" } }
        #expect(missing?.subject == "tensor 'blk.1.ffn_down.weight'")
        #expect(missing?.message == "is missing (the metadata asks for {128, 64})")
        let extra = try refusal { _, tensors in tensors.append(GGUFTensorInfo(name: "blk.2.attn_q.weight", dimensions: [64, 48], type: .f32)) }
        #expect(extra?.message == "is not a tensor of a PLM with 2 layers")
        let misshaped = try refusal { _, tensors in
            tensors[tensors.firstIndex { $0.name == "blk.0.attn_q.weight" }!].dimensions = [64, 40]
        }
        #expect(misshaped?.subject == "tensor 'blk.0.attn_q.weight'")
        #expect(misshaped?.message.contains("has dimensions {64, 40}, the metadata asks for {64, 48}") == true)
    }

    @Test func refusesMetadataThatContradictsTheTensorsOrItself() throws {
        let width = try refusal { metadata, _ in metadata["plm.embedding_length"] = .uint32(32) }
        #expect(width?.subject == "tensor 'token_embd.weight'")
        #expect(width?.message.contains("the metadata asks for {32, 300}") == true)
        let vocab = try refusal { metadata, _ in metadata["plm.vocab_size"] = .uint32(299) }
        #expect(vocab?.subject == "key 'tokenizer.ggml.tokens'")
        #expect(vocab?.message == "lists 300 tokens, plm.vocab_size is 299")
        let rows = try refusal { metadata, tensors in
            metadata["plm.vocab_size"] = .uint32(301)
            tensors[0].dimensions = [64, 301]
        }
        #expect(rows?.subject == "key 'tokenizer.ggml.tokens'")
        let kvHeads = try refusal { metadata, _ in metadata["plm.attention.head_count_kv"] = .uint32(1) }
        #expect(kvHeads?.subject == "key 'plm.attention.head_count_kv'")
        let absent = try refusal { metadata, _ in metadata["plm.attention.kv_lora_rank"] = nil }
        #expect(absent?.description.hasSuffix("key 'plm.attention.kv_lora_rank': is missing") == true)
        let type = try refusal { metadata, _ in metadata["plm.block_count"] = .string("2") }
        #expect(type?.message == "is a string, expected an integer")
        // A corrupt block count is answered by the first missing tensor, not by sizing tables by it.
        let huge = try refusal { metadata, _ in metadata["plm.block_count"] = .uint32(2_000_000_000) }
        #expect(huge?.subject == "tensor 'blk.2.attn_norm.weight'")
    }

    @Test func refusesTokenizersThisEngineCannotRunAlike() throws {
        let pre = try refusal { metadata, _ in metadata["tokenizer.ggml.pre"] = .string("default") }
        #expect(pre?.message.contains("pre-tokenizer 'default' is not one this engine implements") == true)
        let model = try refusal { metadata, _ in metadata["tokenizer.ggml.model"] = .string("llama") }
        #expect(model?.subject == "key 'tokenizer.ggml.model'")
        let types = try refusal { metadata, _ in
            var list = metadata["tokenizer.ggml.token_type"]!.arrayValue!.int32s!
            list[100] = 6
            metadata["tokenizer.ggml.token_type"] = .array(.int32(list))
        }
        #expect(types?.message.contains("token 100") == true)
        let merges = try refusal { metadata, _ in metadata["tokenizer.ggml.merges"] = .array(.string(["nospace"])) }
        #expect(merges?.message.contains("merge 0 \"nospace\" is not two tokens") == true)
        let eos = try refusal { metadata, _ in metadata["tokenizer.ggml.eos_token_id"] = .uint32(300) }
        #expect(eos?.message == "is 300, outside 0...299")
    }

    /// Writes the tiny model's metadata and tensors (zeros) after `change`, reads it, and returns the error.
    private func refusal(_ change: (inout GGUFMetadata, inout [GGUFTensorInfo]) -> Void) throws -> GGUFError? {
        try withTemporaryFolder { folder in
            let path = folder + "/changed.gguf"
            let config = GGUFFixtures.config()
            var metadata = try PLMGGUFWriter.metadata(config: config, tokenizer: try GGUFFixtures.tokenizer(), type: .f32,
                                                      name: "changed")
            var tensors = PLMGGUFWriter.plan(config: config, type: .f32).map(\.info)
            change(&metadata, &tensors)
            let writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors)
            while let tensor = writer.nextTensor {
                try [Float](repeating: 0, count: tensor.elementCount).withUnsafeBufferPointer { try writer.writeRows($0) }
            }
            try writer.finish()
            return ggufError { _ = try PLMGGUFModel(path: path) }
        }
    }
}

@Suite struct GGUFTokenizerCaveatTests {
    /// Our trained tokenizers have none; an NFC normalizer or a Llama 3 file without ignore_merges is named.
    @Test func namesWhatLlamaCppDoesOtherwise() throws {
        #expect(try GGUFFixtures.tokenizer().llamaCppCaveats.isEmpty)
        var nfc = try GGUFFixtures.tokenizer()
        nfc.model.normalizer = .nfc
        #expect(nfc.llamaCppCaveats.count == 1)
        #expect(try GGUFFixtures.tokenizer(preset: .llama3).llamaCppCaveats.first?.contains("llama-bpe") == true)
    }

    @Test func refusesAModelWhoseAddedTokensLieOutsideIt() throws {
        var tokenizer = try GGUFFixtures.tokenizer()
        tokenizer.model.addedTokens.append(AddedToken(id: 400, content: "<|late|>"))
        #expect(throws: TokenizerError.self) { _ = try tokenizer.metadata(vocabularySize: 500) }
    }
}
