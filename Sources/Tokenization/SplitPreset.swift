/// The pre-tokenizer split regexes this package implements (FORMATS.md section 1). Each has a
/// hand-written scanner in `PreTokenizer`; the pattern string is what `tokenizer.json` records.
public enum SplitPreset: String, Sendable, CaseIterable, Codable {
    /// GPT-2: case-sensitive contractions, runs of letters, digits or punctuation with an optional
    /// leading space.
    case gpt2
    /// Llama 3: case-insensitive contractions, a letter run may take one leading non-letter, digits
    /// in groups of up to three, punctuation keeps trailing line breaks.
    case llama3
    /// Qwen2: as Llama 3, but every digit is its own piece.
    case qwen2

    /// The regex exactly as Hugging Face tokenizers stores it in `pre_tokenizer.pretokenizers[0].pattern.Regex`.
    public var pattern: String {
        switch self {
        case .gpt2:
            return #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
        case .llama3:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        case .qwen2:
            return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        }
    }

    /// The preset whose pattern is exactly `pattern`, or nil for any other regex (which we cannot run:
    /// there is no general regex engine here).
    public init?(pattern: String) {
        guard let preset = SplitPreset.allCases.first(where: { $0.pattern == pattern }) else { return nil }
        self = preset
    }
}
