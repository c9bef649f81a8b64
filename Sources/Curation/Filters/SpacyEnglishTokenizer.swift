/// The words datatrove 0.10.1 counts for English: `SpaCyTokenizer("en").word_tokenize(text)`, i.e. the
/// tokens of spaCy's rule-based tokenizer (`spacy.blank("en")`, spaCy 3.8), each `str.strip()`ped, with
/// empty ones dropped.
///
/// The algorithm is spaCy's `Tokenizer.__call__` (tokenizer.pyx), step for step:
/// 1. The text is cut into runs of whitespace (`str.isspace`) and non-whitespace; a run that is exactly
///    the one space after a word is dropped, other whitespace runs become tokens (which datatrove then
///    strips to nothing, so they only separate tokens below).
/// 2. Each non-whitespace run is looked up in the tokenizer exceptions ("can't" -> "ca" "n't"); if it
///    is not one, `_split_affixes` peels prefixes and suffixes, stopping as soon as what is left (or
///    the rest after one prefix or one suffix) is an exception; `_attach_tokens` then keeps what is
///    left whole if it is an exception or a URL (`url_match`), else splits it at the infixes.
/// 3. `_apply_special_cases`: spaCy's PhraseMatcher finds runs of tokens that spell an exception
///    containing an affix ("x:)" -> "x" ":" ")" -> "x" ":)") and retokenizes them.
/// The prefix, suffix and infix regular expressions are hand-written matchers over Unicode scalars
/// (SpacyEnglishRules.swift), with character classes and the exception table generated from spaCy by
/// Benchmarks/datatrove/make_spacy_tables.py.
///
/// datatrove quirk kept: a token "IS_ALPHA" makes spaCy fail (its lexeme id collides with the IS_ALPHA
/// attribute), and datatrove then tokenizes the text with every "IS_ALPHA" removed; this does the same
/// (as datatrove behaves after its first document; the very first call in a process may not fail).
public struct SpacyEnglishTokenizer: WordTokenizer {
    public init() {}

    public func words(_ text: String) -> [Substring] {
        if text.isEmpty { return [] }
        let rules = SpacyEnglishRules.shared
        var scalars = Self.decodeScalars(text)
        var tokens = SpacyEnglishPass.tokenize(scalars, rules: rules)
        var source = text
        if tokens.contains(where: { Self.isISALPHA(scalars, $0) }) {
            source = Self.removingISALPHA(scalars)
            scalars = Self.decodeScalars(source)
            tokens = SpacyEnglishPass.tokenize(scalars, rules: rules)
        }
        let utf8 = source.utf8
        var words: [Substring] = []
        words.reserveCapacity(tokens.count)
        Self.forEachTokenRange(scalars, tokens) { range in
            let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let upper = utf8.index(lower, offsetBy: range.count)
            words.append(source[lower..<upper])
        }
        return words
    }

    public func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        Self.forEachWord(in: text, pieceBytes: Self.pieceBytes, body)
    }

    /// Bytes of text tokenized at a time by `forEachWord` (its scalars take four times as much).
    static let pieceBytes = 1 << 20

    /// The words of `text` as `words` finds them, tokenized in pieces of about `pieceBytes` so that
    /// the scalars and tokens held at once do not grow with the text. A piece ends where spaCy's
    /// whole-text pass starts a whitespace token (see `isCut`): that token separates what is before
    /// it from what is after (no exception, affix or special-case match crosses a whitespace token),
    /// and the next piece, which starts with it, starts with the same token, so the pieces' words are
    /// the whole text's. A text holding "IS_ALPHA" takes the whole-text path: datatrove's quirk
    /// rewrites the whole text when any token is that word.
    static func forEachWord(in text: String, pieceBytes: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        PythonText.withUTF8(text) { bytes in
            if bytes.count <= pieceBytes || bytes.firstRange(of: isAlphaUTF8) != nil {
                for word in SpacyEnglishTokenizer().words(text) { PythonText.withUTF8(word, body) }
                return
            }
            let rules = SpacyEnglishRules.shared
            var start = 0
            while start < bytes.count {
                var end = min(bytes.count, start + pieceBytes)
                while end < bytes.count && !isCut(bytes, end) { end += 1 }
                let piece = UnsafeBufferPointer(rebasing: bytes[start..<end])
                let scalars = decodeUTF8(piece, offsets: false).0
                let tokens = SpacyEnglishPass.tokenize(scalars, rules: rules)
                forEachTokenRange(scalars, tokens) { body(UnsafeBufferPointer(rebasing: piece[$0])) }
                start = end
            }
        }
    }

    /// Whether the whole-text pass starts a whitespace token at byte `k` (> 0): `k` is whitespace
    /// (a line break or a space) right after a word, where the run keeps its first scalar unless it
    /// is a space, or the second whitespace after a word whose first one is a space. Only ASCII is
    /// looked at; any other place is simply not a cut.
    @inline(__always)
    static func isCut(_ bytes: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        let here = bytes[k]
        guard here == 0x0A || here == 0x20 else { return false }
        let before = bytes[k - 1]
        if before > 0x20 && before < 0x7F { return here == 0x0A }
        return before == 0x20 && k >= 2 && bytes[k - 2] > 0x20 && bytes[k - 2] < 0x7F
    }

    private static let isAlphaUTF8 = Array("IS_ALPHA".utf8)

    /// Calls `body` with the UTF-8 byte range of each token, walking the scalars forward (tokens are
    /// in order).
    static func forEachTokenRange(_ scalars: [UInt32], _ tokens: [SpacyEnglishPass.Token],
                                  _ body: (Range<Int>) -> Void) {
        scalars.withUnsafeBufferPointer { s in
            var position = 0
            var offset = 0
            @inline(__always) func advance(to target: Int) {
                while position < target {
                    let c = s[position]
                    offset += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
                    position += 1
                }
            }
            for token in tokens {
                advance(to: Int(token.start))
                let lower = offset
                advance(to: Int(token.end))
                body(lower..<offset)
            }
        }
    }

    /// The scalars of `text`.
    static func decodeScalars(_ text: String) -> [UInt32] {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decodeUTF8($0, offsets: false).0 }) {
            return decoded
        }
        return Array(text.utf8).withUnsafeBufferPointer { decodeUTF8($0, offsets: false).0 }
    }

    /// The scalars of `text` and the UTF-8 offset of each (plus the end).
    static func decode(_ text: String) -> ([UInt32], [Int32]) {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decodeUTF8($0, offsets: true) }) {
            return decoded
        }
        return Array(text.utf8).withUnsafeBufferPointer { decodeUTF8($0, offsets: true) }
    }

    /// Decodes valid UTF-8 (a Swift string's bytes); the offsets only if asked (else empty).
    private static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>, offsets withOffsets: Bool) -> ([UInt32], [Int32]) {
        let n = bytes.count
        // Offsets are Int32; spaCy itself refuses texts of 2**30 characters or more (E025).
        precondition(n < Int(Int32.max), "text too long for the spaCy tokenizer (2 GiB or more)")
        var count = 0
        var offsets: [Int32] = []
        let scalars = [UInt32](unsafeUninitializedCapacity: n) { scalarBuffer, scalarCount in
            offsets = [Int32](unsafeUninitializedCapacity: withOffsets ? n + 1 : 0) { offsetBuffer, offsetCount in
                var i = 0
                while i < n {
                    let b0 = UInt32(bytes[i])
                    if withOffsets { offsetBuffer[count] = Int32(i) }
                    let scalar: UInt32
                    if b0 < 0x80 {
                        scalar = b0
                        i += 1
                    } else if b0 < 0xE0 {
                        scalar = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                        i += 2
                    } else if b0 < 0xF0 {
                        scalar = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                        i += 3
                    } else {
                        scalar = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                            | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                        i += 4
                    }
                    scalarBuffer[count] = scalar
                    count += 1
                }
                if withOffsets {
                    offsetBuffer[count] = Int32(n)
                    offsetCount = count + 1
                }
            }
            scalarCount = count
        }
        return (scalars, offsets)
    }

    private static let isAlphaName: [UInt32] = "IS_ALPHA".unicodeScalars.map(\.value)

    private static func isISALPHA(_ scalars: [UInt32], _ token: SpacyEnglishPass.Token) -> Bool {
        Int(token.end - token.start) == isAlphaName.count
            && scalars[Int(token.start)..<Int(token.end)].elementsEqual(isAlphaName)
    }

    /// Python's `text.replace("IS_ALPHA", "")`.
    private static func removingISALPHA(_ scalars: [UInt32]) -> String {
        var out = String.UnicodeScalarView()
        let name = isAlphaName
        var i = 0
        while i < scalars.count {
            if i + name.count <= scalars.count && scalars[i..<i + name.count].elementsEqual(name) {
                i += name.count
                continue
            }
            out.append(Unicode.Scalar(scalars[i])!)
            i += 1
        }
        return String(out)
    }
}

/// One tokenization of a scalar buffer.
struct SpacyEnglishPass {
    /// A non-whitespace token: scalar range, and whether a whitespace token (which datatrove drops)
    /// stood between it and the previous one in spaCy's Doc.
    struct Token: Equatable {
        var start: Int32
        var end: Int32
        var afterGap: Bool
    }

    let s: UnsafePointer<UInt32>
    let rules: SpacyEnglishRules
    var tokens: [Token] = []
    private var afterGap = false
    private var suffixStarts: [Int] = []
    /// Some run holds a matcher pattern whose rule splits differently (only then can the special-case
    /// pass change anything: a match whose rule has the same tokens replaces them by themselves).
    private var hasMatcherCandidate = false

    private init(_ s: UnsafePointer<UInt32>, rules: SpacyEnglishRules) {
        self.s = s
        self.rules = rules
    }

    /// spaCy's tokens of the text in `scalars`, whitespace tokens left out.
    static func tokenize(_ scalars: [UInt32], rules: SpacyEnglishRules) -> [Token] {
        if scalars.isEmpty { return [] }
        return scalars.withUnsafeBufferPointer { buffer in
            var pass = SpacyEnglishPass(buffer.baseAddress!, rules: rules)
            pass.tokens.reserveCapacity(buffer.count / 4 + 4)
            pass.run(count: buffer.count)
            if pass.hasMatcherCandidate { pass.applySpecialCases() }
            return pass.tokens
        }
    }

    /// `Tokenizer._tokenize_affixes`: whitespace / non-whitespace runs.
    private mutating func run(count n: Int) {
        var inSpace = rules.has(s[0], SpacyClass.space)
        var start = 0
        for i in 0..<n {
            let c = s[i]
            // ASCII whitespace to Python: 0x09-0x0D and 0x1C-0x20.
            let isSpace = c < 0x40 ? (0x1_F000_3E00 as UInt64) >> UInt64(c) & 1 != 0
                : c >= 0x80 && rules.has(c, SpacyClass.space)
            if isSpace == inSpace { continue }
            if start < i { flush(start, i, whitespace: inSpace) }
            start = c == 0x20 ? i + 1 : i
            inSpace.toggle()
        }
        if start < n { flush(start, n, whitespace: inSpace) }
    }

    private mutating func flush(_ lo: Int, _ hi: Int, whitespace: Bool) {
        if whitespace {
            // One whitespace token (no affix pattern matches whitespace): only a separator here.
            afterGap = true
        } else {
            tokenizeSpan(lo, hi)
        }
    }

    @inline(__always)
    private mutating func emit(_ lo: Int, _ hi: Int) {
        tokens.append(Token(start: Int32(lo), end: Int32(hi), afterGap: afterGap))
        afterGap = false
    }

    private mutating func emitException(_ id: Int, at lo: Int) {
        var p = lo
        for k in Int(rules.pieceOffsets[id])..<Int(rules.pieceOffsets[id + 1]) {
            let length = Int(rules.pieceLengths[k])
            emit(p, p + length)
            p += length
        }
    }

    /// `_split_affixes` then `_attach_tokens` for one non-whitespace run.
    private mutating func tokenizeSpan(_ start: Int, _ end: Int) {
        let before = tokens.count
        var lo = start
        var hi = end
        if !suffixStarts.isEmpty { suffixStarts.removeAll(keepingCapacity: true) }
        var exception = -1
        var lastSize = -1
        // Prefixes are emitted as found (they come first); suffixes are kept to follow the middle.
        while lo < hi && hi - lo != lastSize {
            exception = rules.special(s, lo, hi)
            if exception >= 0 { break }
            lastSize = hi - lo
            let pre = rules.prefixLength(s, lo, hi)
            if pre != 0 && lo + pre < hi {
                exception = rules.special(s, lo + pre, hi)
                if exception >= 0 {
                    emit(lo, lo + pre)
                    lo += pre
                    break
                }
            }
            let suf = rules.suffixLength(s, lo + pre, hi)
            if suf != 0 && hi - suf > lo {
                exception = rules.special(s, lo, hi - suf)
                if exception >= 0 {
                    suffixStarts.append(hi - suf)
                    hi -= suf
                    break
                }
            }
            if pre != 0 {
                emit(lo, lo + pre)
                lo += pre
            }
            if suf != 0 {
                suffixStarts.append(hi - suf)
                hi -= suf
            }
        }
        // When the loop ends without a break, its last exception check was on this same lo..<hi.
        if lo < hi {
            if exception >= 0 {
                emitException(exception, at: lo)
            } else {
                attachMiddle(lo, hi)
            }
        }
        // Suffixes were found outside-in; they follow inside-out.
        var k = suffixStarts.count - 1
        while k >= 0 {
            emit(suffixStarts[k], k == 0 ? end : suffixStarts[k - 1])
            k -= 1
        }
        // Only a run split into several tokens can hold a phrase the special-case matcher changes.
        if !hasMatcherCandidate && tokens.count - before > 1 { hasMatcherCandidate = spanHasReplacement(from: before) }
    }

    /// Whether ASCII character c can start an infix (. + - * ^ , ~ : < > = /).
    @inline(__always)
    static func asciiInfixStart(_ c: UInt32) -> Bool {
        let low: UInt64 = 0x7400_fc00_0000_0000  // * + , - . / : < = >
        let high: UInt64 = 0x4000_0000_4000_0000  // ^ ~
        return ((c < 64 ? low : high) >> UInt64(c & 63)) & 1 != 0
    }

    /// `_attach_tokens` for the part left between the affixes (not an exception).
    private mutating func attachMiddle(_ lo: Int, _ hi: Int) {
        // Infixes first: without any, URL or not, the part stays one token.
        var first = -1
        var i = lo
        while i < hi {
            let c = s[i]
            // ASCII letters and digits never start an infix.
            if c < 0x80 && !Self.asciiInfixStart(c) {
                i += 1
                continue
            }
            if rules.infixEnd(s, lo, hi, at: i) >= 0 {
                first = i
                break
            }
            i += 1
        }
        if first < 0 || SpacyURL.matches(s, lo, hi, rules: rules) {
            emit(lo, hi)
            return
        }
        var start = lo
        i = first
        while i < hi {
            let e = rules.infixEnd(s, lo, hi, at: i)
            if e < 0 {
                i += 1
                continue
            }
            if i != lo {  // a match at the very start is skipped (start_before_infixes)
                if i != start { emit(start, i) }
                emit(i, e)
                start = e
            }
            i = e
        }
        if start < hi { emit(start, hi) }
    }
}
