import Foundation
import Testing
@testable import Tokenization

/// tokenizer.json reading and writing: HF-written files round-trip byte for byte, and bad files fail
/// naming the field.
@Suite struct TokenizerFileTests {
    @Test(arguments: SplitPreset.allCases)
    func huggingFaceFilesRoundTripByteForByte(preset: SplitPreset) throws {
        let data = try FixtureFiles.data("tokenizer_\(preset.rawValue).json")
        let model = try TokenizerFileReader.parse(data)
        #expect(model.splitPattern == preset.pattern)
        #expect(TokenizerFileWriter.tokenizerJSON(model) == String(decoding: data, as: UTF8.self))
        #expect(try TokenizerFileReader.parse(Data(TokenizerFileWriter.tokenizerJSON(model).utf8)) == model)
    }

    @Test func readsQwen2StyleFile() throws {
        let model = try TokenizerFileReader.parse(FixtureFiles.data("tokenizer_qwen2.json"))
        #expect(model.normalizer == .nfc)
        #expect(model.baseVocabularySize == 1100)
        #expect(model.addedTokens.map(\.content) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>"])
        #expect(model.addedTokens.map(\.special) == [true, true, true, false, false])
        #expect(model.tokens[1100] == "<|endoftext|>")
        let llama = try TokenizerFileReader.parse(FixtureFiles.data("tokenizer_llama3.json"))
        #expect(llama.ignoreMerges)
    }

    @Test func acceptsMergesWrittenAsStrings() throws {
        var json = try #require(String(data: FixtureFiles.data("tokenizer_gpt2.json"), encoding: .utf8))
        let model = try TokenizerFileReader.parse(Data(json.utf8))
        let first = try #require(model.merges.first)
        json = json.replacingOccurrences(of: "[\n        \"\(first.left)\",\n        \"\(first.right)\"\n      ]",
                                         with: "\"\(first.left) \(first.right)\"")
        #expect(try TokenizerFileReader.parse(Data(json.utf8)) == model)
    }

    private func error(reading json: String) -> TokenizerError? {
        do {
            _ = try TokenizerFileReader.parse(Data(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    private static let preTokenizer = """
        {"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":\(jsonString(SplitPreset.gpt2.pattern))},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]}
        """

    private static func jsonString(_ text: String) -> String {
        var output = ""
        PrettyJSON.writeString(text, to: &output)
        return output
    }

    private func file(model: String, preTokenizer: String = TokenizerFileTests.preTokenizer, extra: String = "") -> String {
        #"{"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":\#(preTokenizer),\#(extra)"model":\#(model)}"#
    }

    @Test func malformedFilesNameTheField() {
        #expect(error(reading: "{not json") .map { if case .unreadable = $0 { true } else { false } } == true)
        // Invalid JSON says where (it said only "not valid JSON" before).
        #expect(error(reading: "{\"version\": \"1.0\",\n \"model\": {\"vocab\": {\"a\": 0,, }}}")?.description
            .contains("not valid JSON at line 2, column 29 (byte 47)") == true)
        #expect(error(reading: #"{"version":"1.0"}"#) == .missingField(field: "model"))
        #expect(error(reading: file(model: #"{"type":"BPE","vocab":{"a":0}}"#)) == .missingField(field: "model.merges"))
        #expect(error(reading: file(model: #"{"type":"BPE","vocab":{"a":0},"merges":[["a","b","c"]]}"#))?
            .description.contains("model.merges[0]") == true)
        #expect(error(reading: file(model: #"{"type":"BPE","vocab":{"a":0},"merges":["a b c"]}"#))?
            .description.contains("model.merges[0]") == true)
        #expect(error(reading: file(model: #"{"type":"BPE","vocab":{"a":"x"},"merges":[]}"#))?
            .description.contains("model.vocab") == true)
        #expect(error(reading: file(model: #"{"type":"WordPiece","vocab":{"a":0},"merges":[]}"#))
            == .unsupported(field: "model.type", detail: #""WordPiece"; only "BPE" is implemented"#))
        #expect(error(reading: file(model: #"{"type":"BPE","vocab":{"a":0,"b":2},"merges":[]}"#))?
            .description.contains("model.vocab") == true)
        #expect(error(reading: file(model: #"{"type":"BPE","vocab":{"a":0},"merges":[],"continuing_subword_prefix":"@@"}"#))?
            .description.contains("model.continuing_subword_prefix") == true)
        let otherRegex = Self.preTokenizer.replacingOccurrences(of: Self.jsonString(SplitPreset.gpt2.pattern), with: #""\\w+""#)
        #expect(error(reading: file(model: #"{"type":"BPE","vocab":{"a":0},"merges":[]}"#, preTokenizer: otherRegex))?
            .description.contains("pre_tokenizer.pretokenizers[0].pattern.Regex") == true)
        #expect(error(reading: file(model: #"{"type":"BPE","vocab":{"a":0},"merges":[]}"#, preTokenizer: #"{"type":"Whitespace"}"#))?
            .description.contains("pre_tokenizer.type") == true)
    }

    @Test func mergesOutsideTheVocabularyAreRefused() throws {
        var model = BPETokenizerTests.smallModel()
        model.merges.append(BPEModel.Merge("x", "y"))
        #expect(throws: TokenizerError.invalid(field: "model.merges[4]", detail: #"the merged token "xy" is not in model.vocab"#)) {
            try BPETokenizer(model: model)
        }
        model.merges[4] = BPEModel.Merge("q", "zz")
        #expect(throws: TokenizerError.self) { try BPETokenizer(model: model) }
    }

    @Test func writesConfigTransformersReads() throws {
        let model = try TokenizerFileReader.parse(FixtureFiles.data("tokenizer_gpt2.json"))
        let text = TokenizerFileWriter.configJSON(model, config: TokenizerConfigFile())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["tokenizer_class"] as? String == "PreTrainedTokenizerFast")
        #expect(object["eos_token"] as? String == "<|endoftext|>")
        #expect(object["model_max_length"] as? Int == 2048)
        #expect((object["chat_template"] as? String)?.contains("<|im_start|>") == true)
        #expect(object["additional_special_tokens"] as? [String] == ["<|im_start|>", "<|im_end|>"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokfiles-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TokenizerFileWriter.write(model, config: TokenizerConfigFile(), to: directory)
        #expect(try TokenizerFileReader.read(path: directory) == model)
    }
}
