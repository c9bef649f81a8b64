import Foundation
import Testing
@testable import PLMModel

/// A fresh temporary folder per test, inside one folder of this test process that is removed when it exits
/// (the tests run in parallel, so no test can remove a shared parent itself).
func temporaryFolder(_ name: String = #function) -> String {
    let path = testProcessFolder + "/" + name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func testProcessFolderPath() -> String { NSTemporaryDirectory() + "plm-model-tests-\(getpid())" }

private let testProcessFolder: String = {
    atexit { try? FileManager.default.removeItem(atPath: testProcessFolderPath()) }
    return testProcessFolderPath()
}()

/// The folder of torch-made golden files (Benchmarks/torch/parity_golden), found from this source file.
func goldenFolder(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Benchmarks/torch/parity_golden/\(name)").path
}

/// A small shape (about 3k parameters) for file tests.
let fileTestConfig = PLMConfig(hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, kvLoraRank: 4,
                               qkNopeHeadDim: 2, qkRopeHeadDim: 2, vHeadDim: 2, intermediateSize: 16, vocabSize: 32,
                               maxPositionEmbeddings: 16)

@Suite struct SafeTensorsTests {
    @Test func writesAlignedHeaderAndReadsBack() throws {
        let folder = temporaryFolder()
        let layout = ParameterLayout(config: fileTestConfig)
        let values = (0..<layout.totalCount).map { Float($0) * 0.5 - 7 }
        let path = folder + "/m.safetensors"
        try values.withUnsafeBufferPointer { try SafeTensorsArena.write($0, layout: layout, to: path) }

        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = bytes.prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        #expect((8 + headerLength) % 8 == 0)
        #expect(bytes.count == 8 + headerLength + layout.totalCount * 4)
        let header = try #require(String(data: bytes[8..<8 + headerLength], encoding: .utf8))
        #expect(header.contains("\"model.embed_tokens.weight\":{\"dtype\":\"F32\",\"shape\":[32,8],\"data_offsets\":[0,1024]}"))

        let file = try SafeTensorsFile(path: path)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.entries.map(\.name) == layout.tensors.map(\.name))
        var back = [Float](repeating: 0, count: layout.totalCount)
        try back.withUnsafeMutableBufferPointer { try SafeTensorsArena.read($0, layout: layout, from: path) }
        #expect(back == values)
    }

    @Test func missingTensorIsNamedWithItsShape() throws {
        let folder = temporaryFolder()
        let layout = ParameterLayout(config: fileTestConfig)
        let values = [Float](repeating: 1, count: layout.totalCount)
        let kept = layout.tensors.filter { $0.name != "model.layers.1.mlp.up_proj.weight" }
        try values.withUnsafeBufferPointer { buffer in
            try SafeTensorsWriter.write(kept.map { ($0.name, $0.shape, UnsafeBufferPointer(rebasing: buffer[$0.offset..<$0.offset + $0.count])) },
                                        to: folder + "/m.safetensors")
        }
        var arena = [Float](repeating: 0, count: layout.totalCount)
        let error = #expect(throws: SafeTensorsError.self) {
            try arena.withUnsafeMutableBufferPointer { try SafeTensorsArena.read($0, layout: layout, from: folder + "/m.safetensors") }
        }
        #expect(error?.message.contains("'model.layers.1.mlp.up_proj.weight' is missing") == true)
        #expect(error?.message.contains("[16, 8]") == true)
    }

    @Test func misshapedTensorNamesBothShapes() throws {
        let folder = temporaryFolder()
        let layout = ParameterLayout(config: fileTestConfig)
        let values = [Float](repeating: 1, count: layout.totalCount)
        try values.withUnsafeBufferPointer { buffer in
            try SafeTensorsWriter.write(layout.tensors.map { tensor in
                // Same element count, transposed shape: only the shape check can catch it.
                let shape = tensor.name == "model.layers.0.self_attn.o_proj.weight" ? Array(tensor.shape.reversed()) : tensor.shape
                return (tensor.name, shape, UnsafeBufferPointer(rebasing: buffer[tensor.offset..<tensor.offset + tensor.count]))
            }, to: folder + "/m.safetensors")
        }
        var arena = [Float](repeating: 0, count: layout.totalCount)
        let error = #expect(throws: SafeTensorsError.self) {
            try arena.withUnsafeMutableBufferPointer { try SafeTensorsArena.read($0, layout: layout, from: folder + "/m.safetensors") }
        }
        #expect(error?.message == "tensor 'model.layers.0.self_attn.o_proj.weight' has shape [4, 8] in the file, the model expects [8, 4]")
    }

    @Test func extraTensorIsRejected() throws {
        let folder = temporaryFolder()
        let layout = ParameterLayout(config: fileTestConfig)
        let values = [Float](repeating: 1, count: layout.totalCount + 8 * 32)
        try values.withUnsafeBufferPointer { buffer in
            var tensors = layout.tensors.map { ($0.name, $0.shape, UnsafeBufferPointer(rebasing: buffer[$0.offset..<$0.offset + $0.count])) }
            tensors.append(("lm_head.weight", [32, 8], UnsafeBufferPointer(rebasing: buffer[layout.totalCount...])))
            try SafeTensorsWriter.write(tensors, to: folder + "/m.safetensors")
        }
        var arena = [Float](repeating: 0, count: layout.totalCount)
        let error = #expect(throws: SafeTensorsError.self) {
            try arena.withUnsafeMutableBufferPointer { try SafeTensorsArena.read($0, layout: layout, from: folder + "/m.safetensors") }
        }
        #expect(error?.message.contains("'lm_head.weight' with shape [32, 8] is not part of the model") == true)
    }

    @Test func corruptHeadersAreErrors() throws {
        let folder = temporaryFolder()
        let short = folder + "/short.safetensors"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: short) }
        // A header claiming more bytes than the data section holds.
        let header = Array("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}".utf8)
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
        bytes += [0, 0, 0, 0]
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/cut.safetensors"))
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: folder + "/cut.safetensors") }
        #expect(error?.message.contains("outside the 4-byte data section") == true)
    }

    /// The torch-written golden (safetensors' own writer) parses, and its config reads as a PLM shape.
    @Test func readsTorchWrittenFiles() throws {
        let folder = goldenFolder("tiny")
        let config = try HFConfigFile.readModelConfig(path: folder + "/config.json")
        #expect(config.hiddenSize == 48 && config.numAttentionHeads == 3 && config.qkRopeHeadDim == 4)
        let layout = ParameterLayout(config: config)
        var arena = [Float](repeating: .nan, count: layout.totalCount)
        try arena.withUnsafeMutableBufferPointer { try SafeTensorsArena.read($0, layout: layout, from: folder + "/model.safetensors") }
        #expect(arena.allSatisfy { $0.isFinite })
        let norm = try #require(layout.tensor(named: "model.norm.weight"))
        // Torch drew norms as 1 + 0.1 N(0, 1): near 1, not exactly 1.
        let normValues = arena[norm.offset..<norm.offset + norm.count]
        #expect(normValues.allSatisfy { abs($0 - 1) < 0.6 } && normValues.contains { $0 != 1 })
    }
}

@Suite struct HFConfigFileTests {
    @Test func roundTripsWithHuggingFaceKeys() throws {
        let folder = temporaryFolder()
        try HFConfigFile(config: fileTestConfig, bosTokenId: 1, eosTokenId: 2).write(to: folder + "/config.json")
        let text = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
        for key in ["\"q_lora_rank\" : null", "\"tie_word_embeddings\" : true", "\"hidden_act\" : \"relu2\"",
                    "\"model_type\" : \"plm\"", "\"num_key_value_heads\" : 2", "\"kv_lora_rank\" : 4",
                    "\"PLMForCausalLM\"", "\"torch_dtype\" : \"float32\"", "\"eos_token_id\" : 2",
                    "\"rope_interleave\" : true", "\"attention_bias\" : false"] {
            #expect(text.contains(key), "config.json lacks \(key)")
        }
        #expect(try HFConfigFile.readModelConfig(path: folder + "/config.json") == fileTestConfig)
    }

    @Test(arguments: [
        ("\"qk_rope_head_dim\": 3", "'qk_rope_head_dim' = 3: must be even"),
        ("\"q_lora_rank\": 64", "q_lora_rank is 64"),
        ("\"hidden_act\": \"silu\"", "hidden_act is 'silu'"),
        ("\"num_attention_heads\": 3, \"num_key_value_heads\": 3", "'num_attention_heads' = 3: must divide hidden_size 8"),
        ("\"num_key_value_heads\": 1", "num_key_value_heads (1) differs"),
        ("\"rope_interleave\": false", "rope_interleave is false"),
    ])
    func rejectsShapesPLMCannotBe(change: String, message: String) throws {
        let folder = temporaryFolder()
        var object = try JSONSerialization.jsonObject(
            with: try JSONEncoder().encode(HFConfigFile(config: fileTestConfig))) as! [String: Any]
        let pair = try JSONSerialization.jsonObject(with: Data(("{" + change + "}").utf8)) as! [String: Any]
        object.merge(pair) { $1 }
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: folder + "/config.json"))
        let error = #expect(throws: ModelConfigError.self) { try HFConfigFile.readModelConfig(path: folder + "/config.json") }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func missingKeyIsNamed() throws {
        let folder = temporaryFolder()
        try Data("{\"model_type\": \"plm\", \"hidden_size\": 8}".utf8).write(to: URL(fileURLWithPath: folder + "/config.json"))
        let error = #expect(throws: ModelConfigError.self) { try HFConfigFile.readModelConfig(path: folder + "/config.json") }
        #expect(error?.message.hasPrefix("missing key '") == true)
    }
}
