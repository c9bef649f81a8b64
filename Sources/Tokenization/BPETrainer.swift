import Foundation

/// Learns a byte-level BPE vocabulary from word counts, merge for merge as Hugging Face
/// tokenizers' `BpeTrainer` (0.23) does (FORMATS.md section 1):
///
/// - ids: the special tokens in the order given, then the alphabet (every byte that occurs, or all
///   256 with `fullByteAlphabet`) in ascending code point order of the bytes' mapped characters,
///   then one id per new token in merge order;
/// - pair counts include overlapping windows, weighted by word count;
/// - each step merges the pair with the highest count, ties to the smallest (left id, right id), and
///   applies it left to right without overlap in every word that had the pair;
/// - training stops when the vocabulary (special tokens + alphabet + merges) reaches `vocabSize`, when
///   no pair is left, or when the best count is below `minFrequency`.
///
/// The work is incremental: pair counts and the words each pair occurs in are kept up to date
/// from the words a merge touched, and a priority queue with lazily re-checked counts picks the
/// next pair, so the cost follows the corpus, not vocab size x corpus (`BPETrainerRun`).
public struct BPETrainer: Sendable {
    public struct Options: Sendable, Equatable {
        /// Special tokens + alphabet + merged tokens (Hugging Face's `vocab_size` means the same).
        public var vocabSize: Int
        /// A pair merges only if it occurs at least this often (a count equal to it still merges).
        public var minFrequency: Int
        /// Added first, in this order, as special tokens; duplicates are kept once.
        public var specialTokens: [String]
        /// The split pattern the words were made with; recorded in the model.
        public var preset: SplitPreset
        /// Start from all 256 bytes (Hugging Face's `initial_alphabet=ByteLevel.alphabet()`), so any
        /// text can be encoded; otherwise only bytes seen in training get a token.
        public var fullByteAlphabet: Bool

        /// `<|endoftext|>` (end of document) and the two ChatML markers.
        public static let defaultSpecialTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

        /// The smallest vocabulary these options can train, known before seeing the text when the
        /// alphabet is all 256 bytes: the special tokens plus the bytes (a special token spelled as one
        /// byte's character shares that byte's id). Nil when the alphabet depends on the text.
        public var minimumVocabSize: Int? {
            guard fullByteAlphabet else { return nil }
            let specials = Set(specialTokens)
            return specials.count + 256 - specials.filter { ByteLevel.decode($0)?.count == 1 }.count
        }

        public init(vocabSize: Int, minFrequency: Int = 0, specialTokens: [String] = defaultSpecialTokens,
                    preset: SplitPreset = .qwen2, fullByteAlphabet: Bool = true) {
            self.vocabSize = vocabSize
            self.minFrequency = minFrequency
            self.specialTokens = specialTokens
            self.preset = preset
            self.fullByteAlphabet = fullByteAlphabet
        }
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Trains on `words`; `progress` is called from this thread every few merges and once at the end.
    public func train(_ words: WordCounts,
                      progress: ((TrainingProgress) -> Void)? = nil) throws(BPETrainingError) -> BPEModel {
        if let empty = options.specialTokens.firstIndex(of: "") { throw .emptySpecialToken(index: empty) }
        guard options.minFrequency >= 0 else { throw .negativeMinFrequency(options.minFrequency) }
        guard words.distinctWords > 0, !words.bytes.isEmpty else { throw .emptyCorpus }

        var vocabulary = BPETrainerVocabulary(specialTokens: options.specialTokens)
        vocabulary.addAlphabet(bytesPresent: Self.bytesPresent(in: words), fullByteAlphabet: options.fullByteAlphabet)
        let minimum = vocabulary.count
        guard options.vocabSize >= minimum else {
            throw .vocabSizeTooSmall(vocabSize: options.vocabSize, minimum: minimum,
                                     specialTokens: vocabulary.specialTokens.count)
        }

        var run = BPETrainerRun(words: words, vocabulary: vocabulary, options: options)
        let merges = run.mergeAll(progress: progress)
        return run.vocabulary.model(merges: merges, preset: options.preset)
    }

    private static func bytesPresent(in words: WordCounts) -> [Bool] {
        var present = [Bool](repeating: false, count: 256)
        for byte in words.bytes { present[Int(byte)] = true }
        return present
    }
}

/// Why training could not start.
public enum BPETrainingError: Error, Equatable, CustomStringConvertible {
    /// No text (no words) to learn from.
    case emptyCorpus
    /// The vocabulary cannot even hold the special tokens and the alphabet.
    case vocabSizeTooSmall(vocabSize: Int, minimum: Int, specialTokens: Int)
    case emptySpecialToken(index: Int)
    case negativeMinFrequency(Int)

    public var description: String {
        switch self {
        case .emptyCorpus:
            return "the training corpus is empty: no text to learn merges from"
        case .vocabSizeTooSmall(let vocabSize, let minimum, let specialTokens):
            return "vocab size \(vocabSize) is below \(minimum), the \(specialTokens) special tokens plus the "
                + "\(minimum - specialTokens)-byte alphabet"
        case .emptySpecialToken(let index):
            return "special token \(index + 1) is empty"
        case .negativeMinFrequency(let value):
            return "min frequency \(value) is negative"
        }
    }
}

/// How far training has come, for progress bars.
public struct TrainingProgress: Sendable, Equatable {
    /// Merges done so far (a merge that re-creates an existing token counts too, as in Hugging Face).
    public var merges: Int
    /// Tokens in the vocabulary so far, and the size asked for.
    public var vocabulary: Int
    public var targetVocabulary: Int
    /// Seconds since merging started.
    public var seconds: Double
    /// True on the last call, after training stopped.
    public var finished: Bool

    public var mergesPerSecond: Double { seconds > 0 ? Double(merges) / seconds : 0 }
}
