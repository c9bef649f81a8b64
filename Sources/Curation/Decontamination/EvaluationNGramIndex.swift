/// The n-grams of every evaluation set's items, for looking up a training document's n-grams.
///
/// Rule: every run of `ngramSize` consecutive normalised words of an item is indexed; an item with
/// fewer words than that is indexed whole, as one gram of its own length (a short test prompt would
/// otherwise never match anything), unless it has fewer than `minimumWords`: two or three words match
/// too much unrelated text to mean anything (such items are counted in `tooShort`). A gram is keyed by two independent 64-bit hashes of its word
/// hashes; a lookup must match both, so a false match needs a 128-bit collision (about 2^-64 per pair
/// of grams), which is why the words themselves are not stored.
public struct EvaluationNGramIndex: Sendable {
    public struct Entry: Sendable, Equatable {
        /// Names of the sets holding this gram, in manifest order.
        public var sets: [String]
        /// The gram's words as first indexed (for listing what matched).
        public var text: String
    }

    struct Key: Hashable, Sendable {
        var first: UInt64
        var second: UInt64
    }

    public let ngramSize: Int
    public let minimumWords: Int
    /// Items left out: fewer than `minimumWords` words.
    public private(set) var tooShort = 0
    /// Gram length (ngramSize, or a shorter whole item's length) to its grams.
    private(set) var grams: [Int: [Key: Entry]] = [:]

    public init(sets: [(name: String, items: [String])], ngramSize: Int = 13, minimumWords: Int = 4) {
        precondition(ngramSize >= 1)
        self.ngramSize = ngramSize
        self.minimumWords = min(minimumWords, ngramSize)
        for set in sets {
            for item in set.items {
                let words = DecontaminationWords.words(in: item)
                guard words.count >= self.minimumWords, !words.isEmpty else {
                    tooShort += 1
                    continue
                }
                let length = min(ngramSize, words.count)
                let hashes = words.map(\.hash)
                for start in 0...(words.count - length) {
                    let key = Self.key(hashes[start..<start + length])
                    var entry = grams[length, default: [:]][key]
                        ?? Entry(sets: [], text: Self.text(item, words[start..<start + length]))
                    if !entry.sets.contains(set.name) { entry.sets.append(set.name) }
                    grams[length, default: [:]][key] = entry
                }
            }
        }
    }

    /// Gram lengths present, longest first.
    public var lengths: [Int] { grams.keys.sorted(by: >) }

    public var isEmpty: Bool { grams.values.allSatisfy(\.isEmpty) }

    public var count: Int { grams.values.reduce(0) { $0 + $1.count } }

    func entry(length: Int, words: ArraySlice<UInt64>) -> Entry? {
        grams[length]?[Self.key(words)]
    }

    /// Two hashes of a run of word hashes with different multipliers and offsets (both order-sensitive).
    static func key(_ words: ArraySlice<UInt64>) -> Key {
        var first: UInt64 = 0x9E37_79B9_7F4A_7C15, second: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        for word in words {
            first = (first ^ word) &* 0x0000_0100_0000_01B3
            second = (second &+ word &* 0xFF51_AFD7_ED55_8CCD) &* 0xC4CE_B9FE_1A85_EC53
            second ^= second >> 29
        }
        return Key(first: first, second: second)
    }

    /// The gram as the item spells it (its first to last word, original case and punctuation).
    static func text(_ item: String, _ words: ArraySlice<NormalisedWord>) -> String {
        let bytes = Array(item.utf8)
        return String(decoding: bytes[words.first!.bytes.lowerBound..<words.last!.bytes.upperBound], as: UTF8.self)
    }
}
