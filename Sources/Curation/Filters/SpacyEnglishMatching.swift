/// The two whole-token rules of spaCy's English tokenizer: the special-case PhraseMatcher pass
/// (`Tokenizer._apply_special_cases`) and `url_match` (spacy/lang/tokenizer_exceptions.py URL_PATTERN).

extension SpacyEnglishPass {
    private struct Match {
        var start: Int
        var length: Int
        var rule: Int
        /// The tokens touch in the text (no space between): only then is the span's text the rule's.
        var contiguous: Bool
    }

    /// Whether the tokens from `first` on (one whitespace-free run, so all touching) hold a matcher
    /// pattern whose rule splits differently.
    func spanHasReplacement(from first: Int) -> Bool {
        let n = tokens.count
        for i in first..<(n - 1) {
            let id = rules.leadingPairs.lookupPair(s, Int(tokens[i].start), Int(tokens[i].end),
                                                   Int(tokens[i + 1].start), Int(tokens[i + 1].end))
            if id < 0 { continue }
            patterns: for pattern in Int(rules.patternsOfPair[id])..<Int(rules.patternsOfPair[id + 1]) {
                if rules.patternIsIdentity[pattern] { continue }
                let rule = Int(rules.patternRule[pattern])
                let lengthsFrom = Int(rules.patternTokenOffsets[pattern])
                let k = Int(rules.patternTokenOffsets[pattern + 1]) - lengthsFrom
                if i + k > n { continue }
                let start = Int(tokens[i].start)
                let length = Int(rules.exceptions.offsets[rule + 1] - rules.exceptions.offsets[rule])
                if Int(tokens[i + k - 1].end) - start != length { continue }
                var boundary = start
                for j in 0..<k {
                    boundary += Int(rules.patternTokenLengths[lengthsFrom + j])
                    if Int(tokens[i + j].end) != boundary { continue patterns }
                }
                let from = Int(rules.exceptions.offsets[rule])
                for q in 0..<length where s[start + q] != rules.exceptions.scalars[from + q] { continue patterns }
                return true
            }
        }
        return false
    }

    /// `_apply_special_cases`: every run of consecutive Doc tokens spelling a matcher pattern is a
    /// match; matches are kept longest first (then leftmost) unless their first or last token is in an
    /// earlier match (kept or not, as `_filter_special_spans` does); a kept match whose text is the
    /// rule (the tokens touch) becomes the rule's tokens.
    mutating func applySpecialCases() {
        let n = tokens.count
        if n < 2 { return }
        let pairs = rules.leadingPairs
        let ruleScalars = rules.exceptions.scalars
        let ruleOffsets = rules.exceptions.offsets
        var matches: [Match] = []
        for i in 0..<(n - 1) {
            let first = tokens[i]
            let second = tokens[i + 1]
            if second.afterGap { continue }
            let id = pairs.lookupPair(s, Int(first.start), Int(first.end), Int(second.start), Int(second.end))
            if id < 0 { continue }
            patterns: for pattern in Int(rules.patternsOfPair[id])..<Int(rules.patternsOfPair[id + 1]) {
                let rule = Int(rules.patternRule[pattern])
                let lengthsFrom = Int(rules.patternTokenOffsets[pattern])
                let k = Int(rules.patternTokenOffsets[pattern + 1]) - lengthsFrom
                if i + k > n { continue }
                var offset = Int(ruleOffsets[rule]) + Int(rules.patternTokenLengths[lengthsFrom])
                    + Int(rules.patternTokenLengths[lengthsFrom + 1])
                var contiguous = first.end == second.start
                for j in 2..<k {
                    let token = tokens[i + j]
                    let length = Int(rules.patternTokenLengths[lengthsFrom + j])
                    if token.afterGap || Int(token.end - token.start) != length { continue patterns }
                    let start = Int(token.start)
                    for q in 0..<length where s[start + q] != ruleScalars[offset + q] { continue patterns }
                    if tokens[i + j - 1].end != token.start { contiguous = false }
                    offset += length
                }
                matches.append(Match(start: i, length: k, rule: rule, contiguous: contiguous))
            }
        }
        guard matches.contains(where: \.contiguous) else { return }
        matches.sort { $0.length != $1.length ? $0.length > $1.length : $0.start < $1.start }
        var seen = [Bool](repeating: false, count: n)
        var kept: [Match] = []
        for match in matches {
            if !seen[match.start] && !seen[match.start + match.length - 1] && match.contiguous {
                kept.append(match)
            }
            for t in match.start..<(match.start + match.length) { seen[t] = true }
        }
        if kept.isEmpty { return }
        kept.sort { $0.start < $1.start }
        var out: [Token] = []
        out.reserveCapacity(n + kept.count)
        var i = 0
        var next = 0
        while i < n {
            if next < kept.count && kept[next].start == i {
                let match = kept[next]
                var p = Int(tokens[i].start)
                var afterGap = tokens[i].afterGap
                for piece in Int(rules.pieceOffsets[match.rule])..<Int(rules.pieceOffsets[match.rule + 1]) {
                    let length = Int(rules.pieceLengths[piece])
                    out.append(Token(start: Int32(p), end: Int32(p + length), afterGap: afterGap))
                    afterGap = false
                    p += length
                }
                i += match.length
                next += 1
            } else {
                out.append(tokens[i])
                i += 1
            }
        }
        tokens = out
    }
}

/// Whether a whole token matches spaCy's URL_MATCH:
///
///     ^(?:[\w+\-.]{2,}://)?(?:\S+(?::\S*)?@)?
///      (?:IPv4 (not 10.x, 127.x, 169.254.x, 192.168.x, 172.16-31.x) | (?:LABEL\.)+[ALPHA_LOWER]{2,63})
///      (?::\d{2,5})?(?:[/?#]\S*)?$
///
/// with LABEL = `(?:[A-Za-z0-9\u00a1-\uffff][A-Za-z0-9\u00a1-\uffff_-]{0,62})?[A-Za-z0-9\u00a1-\uffff]`
/// (Unicode `\w`, `\d`, `\S`). A regular language, so membership is decided directly: the scheme is
/// unique if present, the user part may end at any '@', and the host is then the longest run of host
/// characters (nothing after a host may be one).
enum SpacyURL {
    static func matches(_ s: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int, rules: SpacyEnglishRules) -> Bool {
        var starts = [lo]
        // Scheme: [\w+\-.]{2,} then "://".
        var e = lo
        while e < hi && (rules.has(s[e], SpacyClass.word) || s[e] == 0x2B || s[e] == 0x2D || s[e] == 0x2E) { e += 1 }
        if e - lo >= 2 && e + 2 < hi && s[e] == 0x3A && s[e + 1] == 0x2F && s[e + 2] == 0x2F {
            starts.append(e + 3)
        }
        for p in starts {
            if hostPortPath(s, p, hi, rules: rules) { return true }
            // User part: \S+ (tokens hold no whitespace) then '@'.
            var q = p + 1
            while q < hi {
                if s[q] == 0x40 && hostPortPath(s, q + 1, hi, rules: rules) { return true }
                q += 1
            }
        }
        return false
    }

    /// [A-Za-z0-9\u00a1-\uffff]
    @inline(__always)
    private static func isLabelChar(_ c: UInt32) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || (c >= 0xA1 && c <= 0xFFFF)
    }

    private static func hostPortPath(_ s: UnsafePointer<UInt32>, _ h: Int, _ hi: Int, rules: SpacyEnglishRules) -> Bool {
        var e = h
        while e < hi {
            let c = s[e]
            // Label chars, '.', '_', '-', the TLD's ALPHA_LOWER and the IP's \d (which may be astral).
            if !(isLabelChar(c) || c == 0x2E || c == 0x5F || c == 0x2D
                || rules.has(c, SpacyClass.lower | SpacyClass.decimal)) { break }
            e += 1
        }
        if e == h { return false }
        // Port, then path.
        var tail = e
        if tail < hi && s[tail] == 0x3A {
            var d = tail + 1
            while d < hi && rules.has(s[d], SpacyClass.decimal) { d += 1 }
            let digits = d - tail - 1
            if digits < 2 || digits > 5 { return false }
            tail = d
        }
        if tail < hi && !(s[tail] == 0x2F || s[tail] == 0x3F || s[tail] == 0x23) { return false }
        return isIPv4(s, h, e, rules: rules) || isDomain(s, h, e, rules: rules)
    }

    private static func isDomain(_ s: UnsafePointer<UInt32>, _ h: Int, _ e: Int, rules: SpacyEnglishRules) -> Bool {
        var dot = e - 1
        while dot >= h && s[dot] != 0x2E { dot -= 1 }
        if dot < h { return false }
        let tld = e - dot - 1
        if tld < 2 || tld > 63 { return false }
        for k in (dot + 1)..<e where !rules.has(s[k], SpacyClass.lower) { return false }
        // Labels: h..<dot split on '.', each 1...64 long, ends label chars, middle also '_' '-'.
        var start = h
        while start <= dot {
            var end = start
            while s[end] != 0x2E { end += 1 }  // the label ends at a dot (dot at index `dot` at the latest)
            let length = end - start
            if length < 1 || length > 64 { return false }
            if !isLabelChar(s[start]) || !isLabelChar(s[end - 1]) { return false }
            for k in start..<end where !(isLabelChar(s[k]) || s[k] == 0x5F || s[k] == 0x2D) { return false }
            start = end + 1
        }
        return true
    }

    // MARK: IPv4

    @inline(__always)
    private static func ascii(_ s: UnsafePointer<UInt32>, _ i: Int, _ e: Int, _ lo: UInt32, _ hi: UInt32) -> Bool {
        i < e && s[i] >= lo && s[i] <= hi
    }

    private static func isIPv4(_ s: UnsafePointer<UInt32>, _ h: Int, _ e: Int, rules: SpacyEnglishRules) -> Bool {
        // Four dot-separated parts, each matched whole.
        var parts: [(Int, Int)] = []
        var start = h
        for k in h...e where k == e || s[k] == 0x2E {
            parts.append((start, k))
            start = k + 1
        }
        if parts.count != 4 { return false }
        let d = { (i: Int) in rules.has(s[i], SpacyClass.decimal) }
        func part(_ r: (Int, Int), first: Bool, last: Bool) -> Bool {
            let (a, b) = r
            let c0: UInt32 = s[a]
            switch b - a {
            case 1:  // [1-9] | \d  (1?\d{1,2})
                return first || last ? (c0 >= 0x31 && c0 <= 0x39) : d(a)
            case 2:  // [1-9]\d | \d\d
                return (first || last ? (c0 >= 0x31 && c0 <= 0x39) : d(a)) && d(a + 1)
            case 3:
                if c0 == 0x31 { return d(a + 1) && d(a + 2) }  // 1\d\d
                if c0 != 0x32 { return false }
                let c1 = s[a + 1]
                let c2 = s[a + 2]
                if first {  // 2[01]\d | 22[0-3]
                    return ((c1 == 0x30 || c1 == 0x31) && d(a + 2)) || (c1 == 0x32 && c2 >= 0x30 && c2 <= 0x33)
                }
                // 2[0-4]\d | 25[0-5] (middle) / 25[0-4] (last)
                return (c1 >= 0x30 && c1 <= 0x34 && d(a + 2)) || (c1 == 0x35 && c2 >= 0x30 && c2 <= (last ? 0x34 : 0x35))
            default:
                return false
            }
        }
        guard part(parts[0], first: true, last: false), part(parts[1], first: false, last: false),
              part(parts[2], first: false, last: false), part(parts[3], first: false, last: true) else { return false }
        // The negative lookaheads, as prefix matches from h.
        func literal(_ text: [UInt32], at i: Int) -> Int? {
            if i + text.count > e { return nil }
            for k in 0..<text.count where s[i + k] != text[k] { return nil }
            return i + text.count
        }
        func groups(_ n: Int, from i: Int) -> Bool {  // (?:\.\d{1,3}){n}, as a prefix
            var p = i
            for g in 0..<n {
                if p >= e || s[p] != 0x2E { return false }
                var q = p + 1
                while q < e && d(q) { q += 1 }
                let run = q - p - 1
                if run < 1 { return false }
                if g == n - 1 { return true }
                if run > 3 { return false }
                p = q
            }
            return true
        }
        for (prefix, n) in [([0x31, 0x30] as [UInt32], 3), ([0x31, 0x32, 0x37], 3), ([0x31, 0x36, 0x39, 0x2E, 0x32, 0x35, 0x34], 2),
                            ([0x31, 0x39, 0x32, 0x2E, 0x31, 0x36, 0x38], 2)] {
            if let p = literal(prefix, at: h), groups(n, from: p) { return false }
        }
        if let p = literal([0x31, 0x37, 0x32, 0x2E], at: h), p + 1 < e {  // 172\.(?:1[6-9]|2\d|3[0-1])
            let a = s[p]
            let b = s[p + 1]
            let second = (a == 0x31 && b >= 0x36 && b <= 0x39) || (a == 0x32 && d(p + 1)) || (a == 0x33 && (b == 0x30 || b == 0x31))
            if second && groups(2, from: p + 2) { return false }
        }
        return true
    }
}
