import Tokenization

/// Writes a trained tokenizer's folder: `tokenizer.json` and `tokenizer_config.json`, as Hugging Face
/// writes them (FORMATS.md section 2), so transformers' `AutoTokenizer.from_pretrained(folder)` loads it.
public enum TokenizerFolder {
    public static func write(_ model: BPEModel, modelMaxLength: Int, to folder: String) throws {
        try TokenizerFileWriter.write(model, config: configFile(for: model, modelMaxLength: modelMaxLength), to: folder)
    }

    /// `<|endoftext|>` ends documents and pads (no beginning token, as Qwen2 does); without it the first
    /// special token does. The ChatML template needs both of its markers among the special tokens.
    static func configFile(for model: BPEModel, modelMaxLength: Int) -> TokenizerConfigFile {
        let specials = model.addedTokens.map(\.content)
        let end = specials.contains("<|endoftext|>") ? "<|endoftext|>" : specials.first
        let chat = specials.contains("<|im_start|>") && specials.contains("<|im_end|>")
        return TokenizerConfigFile(bosToken: nil, eosToken: end, padToken: end, modelMaxLength: modelMaxLength,
                                   chatTemplate: chat ? TokenizerConfigFile.chatMLTemplate : nil)
    }

    /// The file that marks a finished folder.
    public static func mainFile(in folder: String) -> String { folder + "/tokenizer.json" }
}
