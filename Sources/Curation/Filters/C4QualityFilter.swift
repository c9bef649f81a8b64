/// Settings of datatrove's `C4QualityFilter` (0.10.1): the same names (camelCase here, snake_case in
/// YAML) and defaults as its constructor. `-1` disables `minNumSentences` and `maxWordLength`, as in
/// datatrove. (`language` becomes the filter's `SentenceSplitter`.)
public struct C4QualityConfig: Sendable, Equatable {
    /// `split_paragraph`: judge the `splitlines()` lines (true) or the sentences of the whole text.
    public var splitParagraph: Bool
    /// `remove_citations`: delete `[digits]`, `[edit]` and `[citation needed]` from each line.
    public var removeCitations: Bool
    /// `filter_no_terminal_punct`: drop lines not ending in `. ? ! " '`, or ending in `...`.
    public var filterNoTerminalPunct: Bool
    /// `min_num_sentences`: drop the document when its kept lines hold fewer sentences.
    public var minNumSentences: Int
    /// `min_words_per_line`: drop lines with fewer whitespace-separated words.
    public var minWordsPerLine: Int
    /// `max_word_length`: drop lines with a longer word (in scalars).
    public var maxWordLength: Int
    /// `filter_lorem_ipsum`: drop the document when a judged line contains "lorem ipsum".
    public var filterLoremIpsum: Bool
    /// `filter_javascript`: drop lines containing "javascript".
    public var filterJavascript: Bool
    /// `filter_curly_bracket`: drop the document when a judged line contains `{`.
    public var filterCurlyBracket: Bool
    /// `filter_policy`: drop lines containing a cookie or terms-of-use phrase.
    public var filterPolicy: Bool

    public init(splitParagraph: Bool = true, removeCitations: Bool = true, filterNoTerminalPunct: Bool = true,
                minNumSentences: Int = 5, minWordsPerLine: Int = 3, maxWordLength: Int = 1000,
                filterLoremIpsum: Bool = true, filterJavascript: Bool = true, filterCurlyBracket: Bool = true,
                filterPolicy: Bool = true) {
        self.splitParagraph = splitParagraph
        self.removeCitations = removeCitations
        self.filterNoTerminalPunct = filterNoTerminalPunct
        self.minNumSentences = minNumSentences
        self.minWordsPerLine = minWordsPerLine
        self.maxWordLength = maxWordLength
        self.filterLoremIpsum = filterLoremIpsum
        self.filterJavascript = filterJavascript
        self.filterCurlyBracket = filterCurlyBracket
        self.filterPolicy = filterPolicy
    }
}

/// datatrove's `C4QualityFilter`, decision for decision and byte for byte. Each `splitlines()` line,
/// stripped, is judged in order:
///   1. a whitespace-separated word longer than `maxWordLength` scalars: line dropped;
///   2. citations removed (`\[\d*]`, `[edit]`, `[citation needed]`; `\d` is any Unicode digit);
///   3. not ending in `. ? ! " '`, or ending in `...`: line dropped (no re-strip after step 2, so a
///      citation after the full stop drops the line);
///   4. fewer than `minWordsPerLine` words (counted before step 2): line dropped;
///   5. "lorem ipsum" in the lowercased line: document dropped, `lorem_ipsum`;
///   6. "javascript": line dropped;
///   7. `{`: document dropped, `curly_bracket`;
///   8. a policy phrase ("terms of use", "privacy policy", "cookie policy", "uses cookies",
///      "use of cookies", "use cookies"): line dropped.
/// Then fewer than `minNumSentences` sentences over the kept lines drops the document
/// (`too_few_sentences`); otherwise the text becomes the kept lines joined by `\n`, stripped.
///
/// Sentences are only counted when they can matter: every kept line holds at least one, so with
/// `minNumSentences` kept lines the splitter is never asked.
///
/// Like datatrove, a document whose lines are all removed is kept with empty text when
/// `minNumSentences` is 0 or -1 (with the default 5 it is dropped, `too_few_sentences`).
public struct C4QualityFilter: DocumentFilter {
    public let name = "c4_quality"
    public let config: C4QualityConfig
    /// How sentences are counted (and, without `splitParagraph`, how the text is split).
    public let sentenceSplitter: any SentenceSplitter

    public init(config: C4QualityConfig = C4QualityConfig(),
                sentenceSplitter: any SentenceSplitter = SpacySentenceSplitter()) {
        self.config = config
        self.sentenceSplitter = sentenceSplitter
    }

    public func apply(to text: inout String) -> FilterDecision {
        let outcome: (FilterDecision, [UInt8]?)
        if config.splitParagraph {
            outcome = C4Text.withBytes(text) { bytes in
                judge(bytes, pieces: { body in C4Text.splitLines(bytes, 0, bytes.count, body) },
                      separator: 0x0A)
            }
        } else {
            let parts = sentenceSplitter.sentences(text[...])
            let utf8 = text.utf8
            let ranges = parts.map { part in
                (utf8.distance(from: utf8.startIndex, to: part.startIndex),
                 utf8.distance(from: utf8.startIndex, to: part.endIndex))
            }
            outcome = C4Text.withBytes(text) { bytes in
                judge(bytes, pieces: { body in for (s, e) in ranges { body(s, e) } },
                      separator: 0x20)
            }
        }
        if let output = outcome.1 { text = String(decoding: output, as: UTF8.self) }
        return outcome.0
    }

    /// Runs the line rules over `pieces` (lines or sentences) of `bytes`; on keep, also the new text.
    private func judge(_ bytes: UnsafeBufferPointer<UInt8>,
                       pieces: ((Int, Int) -> Void) -> Void,
                       separator: UInt8) -> (FilterDecision, [UInt8]?) {
        var cited: [UInt8] = []
        var folded: [UInt8] = []
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var kept: [Range<Int>] = []
        var docDrop: String?
        pieces { start, end in
            guard docDrop == nil else { return }
            switch judgeLine(bytes, start, end, &cited, &folded) {
            case .skip:
                return
            case .dropDocument(let reason):
                docDrop = reason
            case .keep(let fromScratch, let s, let e):
                if !kept.isEmpty { output.append(separator) }
                let begin = output.count
                if fromScratch {
                    output.append(contentsOf: cited)
                } else {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[s..<e]))
                }
                kept.append(begin..<output.count)
            }
        }
        if let docDrop { return (.drop(docDrop), nil) }
        if config.minNumSentences != -1 && kept.count < config.minNumSentences {
            var sentences = 0
            if config.splitParagraph {
                for range in kept where sentences < config.minNumSentences {
                    let line = String(decoding: output[range], as: UTF8.self)
                    sentences += sentenceSplitter.sentenceCount(line[...])
                }
            } else {
                sentences = kept.count
            }
            if sentences < config.minNumSentences { return (.drop("too_few_sentences"), nil) }
        }
        let (s, e) = output.withUnsafeBufferPointer { C4Text.strip($0, 0, $0.count) }
        if s > 0 || e < output.count { output = Array(output[s..<e]) }
        return (.keep, output)
    }

    private enum LineVerdict {
        case skip
        case dropDocument(String)
        /// Keep the line: `cited` when citations were removed, else `bytes[s..<e]`.
        case keep(fromScratch: Bool, Int, Int)
    }

    /// The rules for one line (or sentence) `bytes[start..<end]`, in datatrove's order. Rules 1, 3 and
    /// 4 only ever drop the line, so they are checked cheapest first: most lines fail on their last byte.
    private func judgeLine(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                           _ cited: inout [UInt8], _ folded: inout [UInt8]) -> LineVerdict {
        let (s, e) = C4Text.strip(bytes, start, end)
        // Citation removal can only change the last byte when it is a citation's `]`.
        if config.filterNoTerminalPunct {
            guard s < e else { return .skip }
            switch bytes[e - 1] {
            case 0x2E, 0x3F, 0x21, 0x22, 0x27, 0x5D: break
            default: return .skip
            }
        }
        // Words (`line.split()`) and the longest-word check; a word can only be too long when the
        // line has more bytes than the limit, and words need only be counted up to the minimum.
        let checkLength = config.maxWordLength != -1 && e - s > config.maxWordLength
        let (words, tooLong) = Self.countWords(bytes, s, e, longerThan: checkLength ? config.maxWordLength : nil,
                                               enough: checkLength ? Int.max : config.minWordsPerLine)
        if tooLong { return .skip }
        if config.removeCitations, C4Citations.mayContain(bytes, s, e) {
            cited.removeAll(keepingCapacity: true)
            if C4Citations.remove(bytes, s, e, into: &cited) {
                let verdict = cited.withUnsafeBufferPointer { judgeRest($0, words: words, folded: &folded) }
                if case .keep = verdict { return .keep(fromScratch: true, s, e) }
                return verdict
            }
        }
        let verdict = judgeRest(UnsafeBufferPointer(rebasing: bytes[s..<e]), words: words, folded: &folded)
        if case .keep = verdict { return .keep(fromScratch: false, s, e) }
        return verdict
    }

    /// Rules 3 to 8 on the line after citation removal.
    @inline(__always)
    private func judgeRest(_ line: UnsafeBufferPointer<UInt8>, words: Int, folded: inout [UInt8]) -> LineVerdict {
        if config.filterNoTerminalPunct && !Self.endsWithTerminalPunctuation(line) { return .skip }
        if words < config.minWordsPerLine { return .skip }
        var phrases = C4Phrases.Found()
        if config.filterLoremIpsum || config.filterJavascript || config.filterPolicy {
            phrases = C4Phrases.search(line, folded: &folded)
        }
        if config.filterLoremIpsum && phrases.loremIpsum { return .dropDocument("lorem_ipsum") }
        if config.filterJavascript && phrases.javascript { return .skip }
        if config.filterCurlyBracket && line.contains(0x7B) { return .dropDocument("curly_bracket") }
        if config.filterPolicy && phrases.policy { return .skip }
        return .keep(fromScratch: false, 0, line.count)
    }

    /// `line.endswith((".", "?", "!", '"', "'")) and not line.endswith("...")`.
    @inline(__always)
    static func endsWithTerminalPunctuation(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = line.count
        guard n > 0 else { return false }
        switch line[n - 1] {
        case 0x3F, 0x21, 0x22, 0x27: return true
        case 0x2E: return !(n >= 3 && line[n - 2] == 0x2E && line[n - 3] == 0x2E)
        default: return false
        }
    }

    /// `len(line.split())` (or any count of at least `enough` once reached), and whether a word is
    /// longer than `limit` scalars.
    @inline(__always)
    static func countWords(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                           longerThan limit: Int?, enough: Int = Int.max) -> (Int, Bool) {
        var words = 0
        var inWord = false
        var length = 0
        var i = start
        while i < end {
            let x = b[i]
            let space: Bool
            let width: Int
            if x < 0x80 {
                space = (x >= 0x09 && x <= 0x0D) || (x >= 0x1C && x <= 0x20)
                width = 1
            } else {
                let (c, w) = C4Text.decode(b, i)
                space = C4Text.isSpace(c)
                width = w
            }
            if space {
                inWord = false
            } else {
                if !inWord {
                    inWord = true
                    words += 1
                    if words >= enough { return (words, false) }
                    length = 0
                }
                length += 1
                if let limit, length > limit { return (words, true) }
            }
            i += width
        }
        return (words, false)
    }
}

/// `CITATION_REGEX = re.compile(r"\[\d*]|\[edit]|\[citation needed]")`, hand-written: `sub("", line)`.
enum C4Citations {
    /// Whether the line has a `[` at all (the common case has none).
    @inline(__always)
    static func mayContain(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end {
            if b[i] == 0x5B { return true }
            i += 1
        }
        return false
    }

    private static let edit = Array("[edit]".utf8)
    private static let citationNeeded = Array("[citation needed]".utf8)

    /// Appends `b[start..<end]` without its citations to `out`; false when there were none.
    static func remove(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) -> Bool {
        var removed = false
        var copied = start
        var i = start
        while i < end {
            guard b[i] == 0x5B else {
                i += 1
                continue
            }
            let length = match(b, i, end)
            if length == 0 {
                i += 1
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<i]))
            i += length
            copied = i
            removed = true
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<end]))
        return removed
    }

    /// Length of the citation starting with the `[` at `i`, or 0; the alternatives in the regex's order.
    @inline(__always)
    private static func match(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        // \[\d*]  (\d: Unicode decimal digits, Python's `str` patterns)
        var j = i + 1
        while j < end {
            if b[j] >= 0x30 && b[j] <= 0x39 {
                j += 1
            } else if b[j] >= 0x80 {
                let (c, w) = C4Text.decode(b, j)
                guard isDecimalDigit(c) else { break }
                j += w
            } else {
                break
            }
        }
        if j < end && b[j] == 0x5D { return j + 1 - i }
        if startsWith(b, i, end, edit) { return edit.count }
        if startsWith(b, i, end, citationNeeded) { return citationNeeded.count }
        return 0
    }

    @inline(__always)
    private static func startsWith(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int, _ p: [UInt8]) -> Bool {
        guard end - i >= p.count else { return false }
        var k = 0
        while k < p.count {
            if b[i + k] != p[k] { return false }
            k += 1
        }
        return true
    }

    /// Python's `\d` / `str.isdecimal` for one scalar: general category Nd.
    @inline(__always)
    static func isDecimalDigit(_ c: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(c) else { return false }
        return scalar.properties.generalCategory == .decimalNumber
    }
}

/// The lowercase substring checks of the C4 filter, hand-written: "lorem ipsum", "javascript" and
/// datatrove's `POLICY_SUBSTRINGS` in `line.lower()`.
enum C4Phrases {
    struct Found {
        var loremIpsum = false
        var javascript = false
        var policy = false
    }

    private static let lorem = Array("lorem ipsum".utf8)
    private static let javascript = Array("javascript".utf8)
    private static let policies: [[UInt8]] = ["terms of use", "privacy policy", "cookie policy", "uses cookies",
                                              "use of cookies", "use cookies"].map { Array($0.utf8) }

    /// Searches `line.lower()`. Only two non-ASCII scalars lowercase to something containing ASCII:
    /// U+212A KELVIN SIGN (to "k") and U+0130 (to "i" + U+0307, which no phrase can continue), so
    /// folding ASCII letters and the Kelvin sign is exactly `lower()` for these phrases. Lines without a
    /// Kelvin sign are searched in place.
    static func search(_ line: UnsafeBufferPointer<UInt8>, folded: inout [UInt8]) -> Found {
        let n = line.count
        var i = 0
        while i + 2 < n {
            if line[i] == 0xE2 && line[i + 1] == 0x84 && line[i + 2] == 0xAA {
                folded.removeAll(keepingCapacity: true)
                var j = 0
                while j < n {
                    if line[j] == 0xE2 && j + 2 < n && line[j + 1] == 0x84 && line[j + 2] == 0xAA {
                        folded.append(0x6B)
                        j += 3
                    } else {
                        folded.append(line[j])
                        j += 1
                    }
                }
                return folded.withUnsafeBufferPointer(scan)
            }
            i += 1
        }
        return scan(line)
    }

    /// The phrases in `f`, ASCII letters compared case-insensitively.
    private static func scan(_ f: UnsafeBufferPointer<UInt8>) -> Found {
        var found = Found()
        let count = f.count
        @inline(__always) func lower(_ x: UInt8) -> UInt8 { x &- 0x41 < 26 ? x | 0x20 : x }
        @inline(__always) func at(_ k: Int, _ p: [UInt8]) -> Bool {
            guard k + p.count <= count else { return false }
            var j = 1  // the first byte was checked by the caller
            while j < p.count {
                if lower(f[k + j]) != p[j] { return false }
                j += 1
            }
            return true
        }
        for k in 0..<count {
            switch f[k] | 0x20 {
            case 0x6C: if !found.loremIpsum && at(k, lorem) { found.loremIpsum = true }
            case 0x6A: if !found.javascript && at(k, javascript) { found.javascript = true }
            case 0x74: if at(k, policies[0]) { found.policy = true }
            case 0x70: if at(k, policies[1]) { found.policy = true }
            case 0x63: if at(k, policies[2]) { found.policy = true }
            case 0x75:
                if at(k, policies[3]) || at(k, policies[4]) || at(k, policies[5]) { found.policy = true }
            default: break
            }
        }
        return found
    }
}
