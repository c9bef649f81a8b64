/// MinHash LSH parameters. Defaults equal datatrove's `MinhashConfig` (5-grams, 14 buckets of 8,
/// seed 1, xxhash64 shingles): two documents match when any bucket's 8 minima all agree, which
/// happens with probability 1-(1-s^8)^14 at Jaccard similarity s.
public struct MinHashConfig: Sendable, Equatable {
    /// Words per shingle.
    public var ngramSize: Int
    /// LSH bands; a document pair is a candidate when any band matches.
    public var buckets: Int
    /// Minima per band.
    public var hashesPerBucket: Int
    /// Seed of the NumPy `RandomState` that draws the permutation parameters.
    public var seed: UInt32
    /// How text becomes shingles.
    public var shingling: Shingling
    /// How simplified text is split into words for `.words` shingling.
    public var wordTokenizer: WordTokenizerKind

    public init(ngramSize: Int = 5, buckets: Int = 14, hashesPerBucket: Int = 8, seed: UInt32 = 1,
                shingling: Shingling = .words, wordTokenizer: WordTokenizerKind = .whitespace) {
        self.ngramSize = ngramSize
        self.buckets = buckets
        self.hashesPerBucket = hashesPerBucket
        self.seed = seed
        self.shingling = shingling
        self.wordTokenizer = wordTokenizer
    }

    public var hashCount: Int { buckets * hashesPerBucket }
}

/// How a document's text becomes the tokens that n-grams are built from.
public enum Shingling: String, Sendable, Equatable, CaseIterable {
    /// datatrove's text simplification (lowercase, numbers to 0, punctuation to spaces, accents
    /// stripped), then words split on whitespace.
    case words
    /// For source code: case and punctuation matter. Tokens are identifier or number runs and each
    /// other visible character on its own, so `a+b` and `a + b` shingle alike but `a-b` and `a+b` differ.
    case code
}

/// The word tokenizer MinHash splits simplified text with. datatrove uses its English word tokenizer
/// (spaCy); with a whitespace tokenizer given instead it splits as `str.split()` does, which is what
/// `.whitespace` reproduces. The spaCy-equivalent tokenizer joins this list when the filters have it.
public enum WordTokenizerKind: String, Sendable, Equatable, CaseIterable {
    case whitespace
}
