/// How a filter splits text into sentences: datatrove's `split_into_sentences(text, language)`.
public protocol SentenceSplitter: Sendable {
    /// `split_into_sentences(text)`: consecutive pieces that together are all of `text` (the first
    /// starts at its start, the last ends at its end, whitespace stays attached); `[text]` when there is
    /// no sentence, as for an empty text.
    func sentences(_ text: Substring) -> [Substring]
    /// `len(split_into_sentences(text))`; at least 1.
    func sentenceCount(_ text: Substring) -> Int
}

extension SentenceSplitter {
    public func sentenceCount(_ text: Substring) -> Int { sentences(text).count }
}

/// datatrove's English sentences: `SpaCyTokenizer("en").span_tokenize`, i.e. `spacy.blank("en")` with
/// spaCy's rule-based `sentencizer` (spaCy 3.8), cut the way `split_into_parts` cuts them.
///
/// The sentencizer walks the tokens (whitespace tokens included): a token whose text is one of its
/// 128 `punct_chars` (`.` `!` `?` `。` ...) marks a period; the next token that is neither punctuation
/// (`is_punct`: every scalar of general category P*) nor a punct char starts a new sentence, and the
/// previous sentence ends with the token before it. So "Mr. Smith" is one sentence ("Mr." is a single
/// token, a tokenizer exception), and "Hello world. (Bye) now." is cut after the "(": "Hello world. ("
/// and " Bye) now.".
/// datatrove then keeps only each sentence's end and cuts the text there: the first piece starts at 0
/// and the last runs to the end of the text.
///
/// The tokens come from `SpacyEnglishPass`, the port of spaCy's English tokenizer; a whitespace token
/// is one that stands before a token with `afterGap`, or a whitespace run at the end of the text that
/// is not exactly one space after a token. (A token "IS_ALPHA" is an ordinary token here; in spaCy 3.8
/// its sentence offsets are garbage that changes from call to call, so datatrove has no stable answer.)
public struct SpacySentenceSplitter: SentenceSplitter {
    public init() {}

    public func sentenceCount(_ text: Substring) -> Int {
        if text.isEmpty { return 1 }
        let (scalars, _) = SpacyEnglishTokenizer.decode(String(text))
        return cuts(scalars).count + 1
    }

    public func sentences(_ text: Substring) -> [Substring] {
        if text.isEmpty { return [text] }
        let (scalars, utf8Offsets) = SpacyEnglishTokenizer.decode(String(text))
        let cuts = cuts(scalars)
        if cuts.isEmpty { return [text] }
        let utf8 = text.utf8
        var pieces: [Substring] = []
        pieces.reserveCapacity(cuts.count + 1)
        var start = text.startIndex
        for cut in cuts {
            let offset = Int(utf8Offsets[cut])
            let end = utf8.index(utf8.startIndex, offsetBy: offset)
            pieces.append(text[start..<end])
            start = end
        }
        pieces.append(text[start...])
        return pieces
    }

    /// The scalar offsets where datatrove cuts `scalars`: the end of every sentence but the last.
    func cuts(_ scalars: [UInt32]) -> [Int] {
        Self.sentenceCuts(scalars, SpacyEnglishPass.tokenize(scalars, rules: SpacyEnglishRules.shared))
    }

    /// The sentencizer over the non-whitespace `tokens` of `s` (whitespace tokens inferred).
    static func sentenceCuts(_ s: [UInt32], _ tokens: [SpacyEnglishPass.Token]) -> [Int] {
        var cuts: [Int] = []
        var seenPeriod = false
        var previousEnd = 0
        for (index, token) in tokens.enumerated() {
            // A whitespace token before this one: not punctuation, so it ends a sentence after a period.
            if token.afterGap && seenPeriod && index > 0 {
                cuts.append(previousEnd)
                seenPeriod = false
            }
            let start = Int(token.start)
            let end = Int(token.end)
            if end - start == 1 && isPunctChar(s[start]) {
                seenPeriod = true
            } else if seenPeriod && !isPunct(s, start, end) {
                cuts.append(previousEnd)
                seenPeriod = false
            }
            previousEnd = end
        }
        // A trailing whitespace token (any whitespace run after the last token but a single space).
        if seenPeriod, let last = tokens.last, Int(last.end) < s.count {
            let rest = s.count - Int(last.end)
            if !(rest == 1 && s[Int(last.end)] == 0x20) { cuts.append(previousEnd) }
        }
        return cuts
    }

    /// spaCy's `Lexeme.is_punct`: every scalar of general category P* (Pc Pd Ps Pe Pi Pf Po).
    static func isPunct(_ s: [UInt32], _ start: Int, _ end: Int) -> Bool {
        for i in start..<end {
            guard let scalar = Unicode.Scalar(s[i]) else { return false }
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation:
                continue
            default:
                return false
            }
        }
        return true
    }

    /// `Sentencizer.default_punct_chars` (spaCy 3.8).
    @inline(__always)
    static func isPunctChar(_ c: UInt32) -> Bool {
        if c < 0x80 { return c == 0x21 || c == 0x2E || c == 0x3F }
        return PythonText.inSorted(c, punctChars)
    }

    static let punctChars: [UInt32] = [
        0x589, 0x61F, 0x6D4, 0x700, 0x701, 0x702, 0x7F9, 0x964, 0x965, 0x104A, 0x104B, 0x1362, 0x1367, 0x1368,
        0x166E, 0x1735, 0x1736, 0x1803, 0x1809, 0x1944, 0x1945, 0x1AA8, 0x1AA9, 0x1AAA, 0x1AAB, 0x1B5A, 0x1B5B,
        0x1B5E, 0x1B5F, 0x1C3B, 0x1C3C, 0x1C7E, 0x1C7F, 0x203C, 0x203D, 0x2047, 0x2048, 0x2049, 0x2E2E, 0x2E3C,
        0x3002, 0xA4FF, 0xA60E, 0xA60F, 0xA6F3, 0xA6F7, 0xA876, 0xA877, 0xA8CE, 0xA8CF, 0xA92F, 0xA9C8, 0xA9C9,
        0xAA5D, 0xAA5E, 0xAA5F, 0xAAF0, 0xAAF1, 0xABEB, 0xFE52, 0xFE56, 0xFE57, 0xFF01, 0xFF0E, 0xFF1F, 0xFF61,
        0x10A56, 0x10A57, 0x11047, 0x11048, 0x110BE, 0x110BF, 0x110C0, 0x110C1, 0x11141, 0x11142, 0x11143,
        0x111C5, 0x111C6, 0x111CD, 0x111DE, 0x111DF, 0x11238, 0x11239, 0x1123B, 0x1123C, 0x112A9, 0x1144B,
        0x1144C, 0x115C2, 0x115C3, 0x115C9, 0x115CA, 0x115CB, 0x115CC, 0x115CD, 0x115CE, 0x115CF, 0x115D0,
        0x115D1, 0x115D2, 0x115D3, 0x115D4, 0x115D5, 0x115D6, 0x115D7, 0x11641, 0x11642, 0x1173C, 0x1173D,
        0x1173E, 0x11A42, 0x11A43, 0x11A9B, 0x11A9C, 0x11C41, 0x11C42, 0x16A6E, 0x16A6F, 0x16AF5, 0x16B37,
        0x16B38, 0x16B44, 0x1BC9F, 0x1DA88,
    ]
}
