/// What packing needs from a tokenizer. `Tokenization.BPETokenizer` conforms; tests may use a
/// small deterministic stand-in.
public protocol TextEncoder: Sendable {
    /// Number of ids (the largest id + 1); decides the shard column type.
    var vocabularySize: Int { get }
    /// Token ids of `text`; special tokens written literally in `text` are recognised when
    /// `allowSpecial` is true and encoded as ordinary text otherwise.
    func encode(_ text: String, allowSpecial: Bool) -> [Int32]
    /// The id of a special/added token, by its literal content.
    func specialTokenID(_ content: String) -> Int32?
    /// Text of a sequence of ids (lossy only where the ids end inside a UTF-8 character).
    func decode(_ ids: [Int32]) -> String
}
