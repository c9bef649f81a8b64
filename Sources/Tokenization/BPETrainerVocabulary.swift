/// The vocabulary while training: token strings by id and the lookup from a token to its id, kept
/// as Hugging Face's trainer keeps `word_to_id`, so that a merge whose result already exists (a
/// special token spelled like it, or the same string reached by another pair) reuses that id.
struct BPETrainerVocabulary {
    /// Token strings by id: special tokens as written, the others in byte-level form.
    private(set) var strings: [String] = []
    /// The raw bytes each id stands for; empty for a special token no byte string maps to.
    private(set) var tokenBytes: [[UInt8]] = []
    /// The id of each byte string that has one. A special token is here when its text is the
    /// byte-level form of some bytes, because then it and a merged token share one string.
    private var idForBytes: [[UInt8]: UInt32] = [:]
    private var specialIDs: [String: UInt32] = [:]
    /// The special tokens, duplicates dropped, in id order (ids 0..<count).
    private(set) var specialTokens: [String] = []
    /// The id of each byte's single-byte token, or nil when the byte is outside the alphabet.
    private(set) var byteIDs = [UInt32?](repeating: nil, count: 256)

    init(specialTokens: [String]) {
        for token in specialTokens where specialIDs[token] == nil {
            let id = UInt32(strings.count)
            specialIDs[token] = id
            self.specialTokens.append(token)
            strings.append(token)
            let bytes = ByteLevel.decode(token) ?? []
            tokenBytes.append(bytes)
            if !bytes.isEmpty { idForBytes[bytes] = id }
        }
    }

    var count: Int { strings.count }

    /// Adds the single-byte tokens in ascending code point order of their mapped characters (the
    /// order Hugging Face sorts its alphabet by).
    mutating func addAlphabet(bytesPresent: [Bool], fullByteAlphabet: Bool) {
        for byte in ByteLevel.bytesInScalarOrder where fullByteAlphabet || bytesPresent[Int(byte)] {
            byteIDs[Int(byte)] = id(for: [byte])
        }
    }

    /// The id of the token made by merging `left` and `right`, added when new.
    mutating func idForMerge(_ left: UInt32, _ right: UInt32) -> UInt32 {
        id(for: tokenBytes[Int(left)] + tokenBytes[Int(right)])
    }

    private mutating func id(for bytes: [UInt8]) -> UInt32 {
        if let id = idForBytes[bytes] { return id }
        let id = UInt32(strings.count)
        idForBytes[bytes] = id
        strings.append(ByteLevel.encode(bytes))
        tokenBytes.append(bytes)
        return id
    }

    /// The trained model. `merges` is every merge done, in order; a pair merged twice (possible
    /// when a merge re-creates an existing token) keeps its last position, as Hugging Face's
    /// trainer does when it turns its merge list into a map from pair to rank.
    func model(merges: [(left: UInt32, right: UInt32)], preset: SplitPreset) -> BPEModel {
        var lastRank: [UInt64: Int] = [:]
        for (rank, merge) in merges.enumerated() {
            lastRank[UInt64(merge.left) << 32 | UInt64(merge.right)] = rank
        }
        var ordered: [BPEModel.Merge] = []
        ordered.reserveCapacity(lastRank.count)
        for (rank, merge) in merges.enumerated()
        where lastRank[UInt64(merge.left) << 32 | UInt64(merge.right)] == rank {
            ordered.append(BPEModel.Merge(strings[Int(merge.left)], strings[Int(merge.right)]))
        }
        let added = specialTokens.enumerated().map { AddedToken(id: $0.offset, content: $0.element) }
        return BPEModel(tokens: strings, merges: ordered, addedTokens: added, splitPattern: preset.pattern)
    }
}
