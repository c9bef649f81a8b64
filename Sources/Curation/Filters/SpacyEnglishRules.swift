/// The rule tables of spaCy's English tokenizer (`spacy.blank("en")`), loaded once from the generated
/// `SpacyEnglishTables` / `SpacyEnglishExceptions`, and the hand-written matchers that stand in for its
/// prefix, suffix and infix regular expressions. Everything works on Unicode scalar values (`UInt32`)
/// in a buffer, with half-open index ranges.

/// Flag bits of `SpacyEnglishTables.flagValues` (see make_spacy_tables.py).
enum SpacyClass {
    static let space: UInt16 = 1 << 0
    static let alpha: UInt16 = 1 << 1
    static let lower: UInt16 = 1 << 2
    static let upper: UInt16 = 1 << 3
    static let quote: UInt16 = 1 << 4
    static let icon: UInt16 = 1 << 5
    static let prefix1: UInt16 = 1 << 6
    static let suffix1: UInt16 = 1 << 7
    static let dotAfter: UInt16 = 1 << 8
    static let word: UInt16 = 1 << 9
    static let decimal: UInt16 = 1 << 10
    static let sufLast: UInt16 = 1 << 11
}

/// Strings of scalars looked up by content: an open-addressing hash table over FNV-1a.
struct ScalarStringTable {
    private(set) var scalars: [UInt32] = []
    private(set) var offsets: [Int32] = [0]
    private var slots: [Int32]
    private let mask: Int
    private(set) var maxLength = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { offsets.count - 1 }

    @inline(__always)
    static func hash(_ s: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = lo
        while i < hi {
            h = (h ^ UInt64(s[i])) &* 0x100_0000_01b3
            i += 1
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Adds `key` (if new) and returns its id.
    mutating func insert(_ key: [UInt32]) -> Int {
        let found = key.withUnsafeBufferPointer { lookup($0.baseAddress!, 0, key.count) }
        if found >= 0 { return found }
        let id = count
        scalars.append(contentsOf: key)
        offsets.append(Int32(scalars.count))
        maxLength = max(maxLength, key.count)
        var slot = key.withUnsafeBufferPointer { Self.hash($0.baseAddress!, 0, key.count) } & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(id)
        return id
    }

    /// The id of the string `s[lo..<hi]`, or -1.
    @inline(__always)
    func lookup(_ s: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        let length = hi - lo
        if length > maxLength || length <= 0 { return -1 }
        var slot = Self.hash(s, lo, hi) & mask
        return slots.withUnsafeBufferPointer { slotBuffer in
            scalars.withUnsafeBufferPointer { keys in
                offsets.withUnsafeBufferPointer { offs in
                    while true {
                        let id = Int(slotBuffer[slot])
                        if id < 0 { return -1 }
                        let start = Int(offs[id])
                        if Int(offs[id + 1]) - start == length {
                            var k = 0
                            while k < length && keys[start + k] == s[lo + k] { k += 1 }
                            if k == length { return id }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }
}

/// A suffix alternative that is a fixed string.
struct SpacySuffixLiteral {
    var scalars: [UInt32]
    /// Only after an ASCII digit (spaCy's `(?<=[0-9])(?:CURRENCY|UNITS)`).
    var afterDigit: Bool
}

/// A multi-token pattern of spaCy's special-case PhraseMatcher.
struct SpacyMatcherPattern {
    /// The rule (tokenizer exception) id whose tokens replace a match.
    var rule: Int
    /// Lengths in scalars of the pattern's tokens; their concatenation is the rule's text.
    var tokenLengths: [Int]
}

/// The immutable tables, built once per process.
final class SpacyEnglishRules: @unchecked Sendable {
    static let shared = SpacyEnglishRules()

    /// Flags of every BMP code point (128 KiB), so that the hot path never searches.
    private let bmpFlags: UnsafeMutablePointer<UInt16>
    /// Exceptions: id -> text; `pieceLengths[pieceOffsets[id]..<pieceOffsets[id+1]]` are its tokens.
    let exceptions: ScalarStringTable
    let pieceLengths: [Int]
    let pieceOffsets: [Int]
    /// Matcher patterns, reached by their first token's text.
    let firstTokens: ScalarStringTable
    let patternsByFirstToken: [[SpacyMatcherPattern]]
    /// Suffix literals by their last scalar (ASCII: direct index; others: dictionary).
    let asciiSuffixLiterals: [[SpacySuffixLiteral]]
    let otherSuffixLiterals: [UInt32: [SpacySuffixLiteral]]

    private init() {
        // Character classes.
        bmpFlags = .allocate(capacity: 0x10000)
        let starts = SpacyEnglishTables.flagStarts
        let values = SpacyEnglishTables.flagValues
        for i in 0..<starts.count where starts[i] < 0x10000 {
            let end = i + 1 < starts.count ? min(Int(starts[i + 1]), 0x10000) : 0x10000
            for c in Int(starts[i])..<end { bmpFlags[c] = values[i] }
        }

        // Exceptions.
        var table = ScalarStringTable(capacity: SpacyEnglishExceptions.rules.count)
        var lengths: [Int] = []
        var offsets: [Int] = [0]
        for entry in SpacyEnglishExceptions.rules {
            let pieces = entry.unicodeScalars.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            let id = table.insert(pieces.flatMap { $0.map(\.value) })
            precondition(id == offsets.count - 1, "duplicate tokenizer exception")
            lengths.append(contentsOf: pieces.map(\.count))
            offsets.append(lengths.count)
        }
        exceptions = table
        pieceLengths = lengths
        pieceOffsets = offsets

        // Matcher patterns.
        var firsts = ScalarStringTable(capacity: SpacyEnglishExceptions.matcherPatterns.count)
        var byFirst: [[SpacyMatcherPattern]] = []
        for entry in SpacyEnglishExceptions.matcherPatterns {
            let pieces = entry.unicodeScalars.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            let text = pieces.flatMap { $0.map(\.value) }
            let rule = text.withUnsafeBufferPointer { table.lookup($0.baseAddress!, 0, text.count) }
            precondition(rule >= 0, "matcher pattern without a rule")
            let first = firsts.insert(pieces[0].map(\.value))
            if first == byFirst.count { byFirst.append([]) }
            byFirst[first].append(SpacyMatcherPattern(rule: rule, tokenLengths: pieces.map(\.count)))
        }
        firstTokens = firsts
        patternsByFirstToken = byFirst

        // Suffix literals.
        var ascii = Array(repeating: [SpacySuffixLiteral](), count: 128)
        var other: [UInt32: [SpacySuffixLiteral]] = [:]
        let all = SpacyEnglishTables.suffixLiterals.map { ($0, false) }
            + SpacyEnglishTables.suffixLiteralsAfterDigit.map { ($0, true) }
        for (text, afterDigit) in all {
            let literal = SpacySuffixLiteral(scalars: text.unicodeScalars.map(\.value), afterDigit: afterDigit)
            let last = literal.scalars.last!
            if last < 128 { ascii[Int(last)].append(literal) } else { other[last, default: []].append(literal) }
        }
        asciiSuffixLiterals = ascii
        otherSuffixLiterals = other
    }

    // MARK: Character classes

    @inline(__always)
    func flags(_ c: UInt32) -> UInt16 {
        c < 0x10000 ? bmpFlags[Int(c)] : astralFlags(c)
    }

    private func astralFlags(_ c: UInt32) -> UInt16 {
        let starts = SpacyEnglishTables.flagStarts
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {  // the last start <= c
            let mid = (lo + hi + 1) >> 1
            if starts[mid] <= c { lo = mid } else { hi = mid - 1 }
        }
        return SpacyEnglishTables.flagValues[lo]
    }

    @inline(__always)
    func has(_ c: UInt32, _ flag: UInt16) -> Bool { flags(c) & flag != 0 }

    @inline(__always)
    static func isDigit(_ c: UInt32) -> Bool { c &- 0x30 < 10 }

    // MARK: Exceptions

    /// The exception id of `s[lo..<hi]`, or -1.
    @inline(__always)
    func special(_ s: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        exceptions.lookup(s, lo, hi)
    }

    // MARK: Prefix: the first of spaCy's prefix alternatives that matches at the start

    @inline(__always)
    func prefixLength(_ s: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        let c = s[lo]
        if has(c, SpacyClass.prefix1) { return 1 }
        switch c {
        case 0x2B:  // \+(?![0-9])
            return lo + 1 < hi && Self.isDigit(s[lo + 1]) ? 0 : 1
        case 0x2E:  // \.\.+
            var e = lo + 1
            while e < hi && s[e] == 0x2E { e += 1 }
            return e - lo >= 2 ? e - lo : 0
        case 0x55:  // US$
            return lo + 2 < hi && s[lo + 1] == 0x53 && s[lo + 2] == 0x24 ? 3 : 0
        case 0x43, 0x41:  // C$ A$
            return lo + 1 < hi && s[lo + 1] == 0x24 ? 2 : 0
        default:
            return 0
        }
    }

    // MARK: Suffix: spaCy's suffix regex is searched, so the leftmost (longest) match wins

    @inline(__always)
    func suffixLength(_ s: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        if hi <= lo { return 0 }
        let last = s[hi - 1]
        let f = flags(last)
        var best = 0
        if last == 0x2E {  // '.'
            var b = hi - 1
            while b > lo && s[b - 1] == 0x2E { b -= 1 }
            if hi - b >= 2 { return hi - b }  // \.\.+ : nothing else ends in two dots
            if hi - 2 >= lo {
                let p = s[hi - 2]
                if has(p, SpacyClass.dotAfter) {
                    best = 1
                } else if hi - 3 >= lo {
                    let pp = s[hi - 3]
                    if pp == 0xB0 && (p == 0x46 || p == 0x66 || p == 0x43 || p == 0x63 || p == 0x4B || p == 0x6B) {
                        best = 1  // (?<=°[FfCcKk])\.
                    } else if has(p, SpacyClass.upper) && has(pp, SpacyClass.upper) {
                        best = 1  // (?<=[ALPHA_UPPER][ALPHA_UPPER])\.
                    }
                }
            }
        } else if f & SpacyClass.suffix1 != 0 {
            best = 1
        } else if last == 0x2B && hi - 2 >= lo && Self.isDigit(s[hi - 2]) {
            best = 1  // (?<=[0-9])\+
        }
        if f & SpacyClass.sufLast != 0 {
            let candidates = last < 128 ? asciiSuffixLiterals[Int(last)] : (otherSuffixLiterals[last] ?? [])
            for literal in candidates {
                let n = literal.scalars.count
                let start = hi - n
                if n <= best || start < lo { continue }
                if literal.afterDigit && !(start - 1 >= lo && Self.isDigit(s[start - 1])) { continue }
                var k = 0
                while k < n && literal.scalars[k] == s[start + k] { k += 1 }
                if k == n { best = n }
            }
        }
        return best
    }

    // MARK: Infixes: spaCy's English infix alternatives, tried in order at each position

    /// The end of the infix match starting at `i` in `s[lo..<hi]`, or -1.
    @inline(__always)
    func infixEnd(_ s: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int, at i: Int) -> Int {
        let c = s[i]
        let next: UInt32 = i + 1 < hi ? s[i + 1] : 0
        let hasPrev = i > lo
        if c < 128 {
            switch c {
            case 0x2E:  // '.'
                if next == 0x2E {  // \.\.+
                    var e = i + 2
                    while e < hi && s[e] == 0x2E { e += 1 }
                    return e
                }
                // (?<=[ALPHA_LOWER QUOTES])\.(?=[ALPHA_UPPER QUOTES])
                if hasPrev && i + 1 < hi && has(s[i - 1], SpacyClass.lower | SpacyClass.quote)
                    && has(next, SpacyClass.upper | SpacyClass.quote) {
                    return i + 1
                }
                return -1
            case 0x2B, 0x2A, 0x5E:  // + * ^ : (?<=[0-9])[+\-\*^](?=[0-9-])
                return hasPrev && Self.isDigit(s[i - 1]) && (Self.isDigit(next) || next == 0x2D) ? i + 1 : -1
            case 0x2D:  // '-'
                if hasPrev && Self.isDigit(s[i - 1]) && (Self.isDigit(next) || next == 0x2D) { return i + 1 }
                return hyphenEnd(s, lo, hi, at: i)
            case 0x2C:  // (?<=[ALPHA]),(?=[ALPHA])
                return hasPrev && i + 1 < hi && has(s[i - 1], SpacyClass.alpha) && has(next, SpacyClass.alpha)
                    ? i + 1 : -1
            case 0x7E:  // '~'
                return hyphenEnd(s, lo, hi, at: i)
            case 0x3A, 0x3C, 0x3E, 0x3D, 0x2F:  // (?<=[ALPHA0-9])[:<>=/](?=[ALPHA])
                return hasPrev && i + 1 < hi && (has(s[i - 1], SpacyClass.alpha) || Self.isDigit(s[i - 1]))
                    && has(next, SpacyClass.alpha) ? i + 1 : -1
            default:
                return -1
            }
        }
        if c == 0x2026 { return i + 1 }  // …
        if has(c, SpacyClass.icon) { return i + 1 }
        if c == 0x2013 || c == 0x2014 { return hyphenEnd(s, lo, hi, at: i) }  // – —
        return -1
    }

    /// (?<=[ALPHA0-9])(?:-|–|—|--|---|——|~)(?=[ALPHA]), alternatives in order.
    @inline(__always)
    private func hyphenEnd(_ s: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int, at i: Int) -> Int {
        guard i > lo, has(s[i - 1], SpacyClass.alpha) || Self.isDigit(s[i - 1]) else { return -1 }
        @inline(__always) func alphaAt(_ k: Int) -> Bool { k < hi && has(s[k], SpacyClass.alpha) }
        let c = s[i]
        switch c {
        case 0x2D:  // -, --, ---
            if alphaAt(i + 1) { return i + 1 }
            if i + 1 < hi && s[i + 1] == 0x2D {
                if alphaAt(i + 2) { return i + 2 }
                if i + 2 < hi && s[i + 2] == 0x2D && alphaAt(i + 3) { return i + 3 }
            }
            return -1
        case 0x2013, 0x7E:  // – ~
            return alphaAt(i + 1) ? i + 1 : -1
        case 0x2014:  // —, ——
            if alphaAt(i + 1) { return i + 1 }
            return i + 1 < hi && s[i + 1] == 0x2014 && alphaAt(i + 2) ? i + 2 : -1
        default:
            return -1
        }
    }
}
