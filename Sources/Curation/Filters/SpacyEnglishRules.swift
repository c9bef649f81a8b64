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

/// Copies `array` into memory that lives as long as the process (the tables are built once), so the
/// hot path reads it without reference counting.
private func immortal<T>(_ array: [T]) -> UnsafePointer<T> {
    let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(array.count, 1))
    array.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: array.count) }
    return UnsafePointer(pointer)
}

/// Strings of scalars looked up by content: an open-addressing hash table over FNV-1a, built from a
/// list of distinct keys and then read-only.
struct ScalarStringTable {
    let count: Int
    /// The keys, concatenated: key `id` is `scalars[offsets[id]..<offsets[id + 1]]`.
    let scalars: UnsafePointer<UInt32>
    let offsets: UnsafePointer<Int32>
    private let slots: UnsafePointer<Int32>
    private let mask: Int
    let maxLength: Int
    /// A Bloom-style filter on (length, first scalar, last scalar): most strings that are no key are
    /// rejected by one bit test, before any hashing.
    private let filter: UnsafePointer<UInt64>
    private let filterMask: Int

    @inline(__always)
    private static func filterBit(_ length: Int, _ first: UInt32, _ last: UInt32) -> Int {
        let h = UInt32(truncatingIfNeeded: length) &* 0xC2B2_AE3D ^ first &* 0x9E37_79B1 ^ last &* 0x85EB_CA77
        return Int(h ^ (h >> 15))
    }

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

    /// Key `id` is `keys[id]`; keys must be distinct and non-empty.
    init(_ keys: [[UInt32]]) {
        var size = 16
        while size < keys.count * 2 { size <<= 1 }
        var slotArray = [Int32](repeating: -1, count: size)
        var flat: [UInt32] = []
        var offsetArray: [Int32] = [0]
        for (id, key) in keys.enumerated() {
            precondition(!key.isEmpty)
            flat.append(contentsOf: key)
            offsetArray.append(Int32(flat.count))
            var slot = key.withUnsafeBufferPointer { Self.hash($0.baseAddress!, 0, key.count) } & (size - 1)
            while slotArray[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slotArray[slot] = Int32(id)
        }
        var bits = 1024
        while bits < keys.count * 16 { bits <<= 1 }
        var filterWords = [UInt64](repeating: 0, count: bits / 64)
        for key in keys {
            let bit = Self.filterBit(key.count, key.first!, key.last!) & (bits - 1)
            filterWords[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        filter = immortal(filterWords)
        filterMask = bits - 1
        count = keys.count
        scalars = immortal(flat)
        offsets = immortal(offsetArray)
        slots = immortal(slotArray)
        mask = size - 1
        maxLength = keys.map(\.count).max() ?? 0
    }

    /// The id of the string `s[lo1..<hi1]` + U+001F + `s[lo2..<hi2]`, or -1 (U+001F is whitespace to
    /// Python, so no token holds it).
    @inline(__always)
    func lookupPair(_ s: UnsafePointer<UInt32>, _ lo1: Int, _ hi1: Int, _ lo2: Int, _ hi2: Int) -> Int {
        let length1 = hi1 - lo1
        let length = length1 + 1 + hi2 - lo2
        if length > maxLength { return -1 }
        let bit = Self.filterBit(length, s[lo1], s[hi2 - 1]) & filterMask
        if filter[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return -1 }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in lo1..<hi1 { h = (h ^ UInt64(s[i])) &* 0x100_0000_01b3 }
        h = (h ^ 0x1F) &* 0x100_0000_01b3
        for i in lo2..<hi2 { h = (h ^ UInt64(s[i])) &* 0x100_0000_01b3 }
        var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return -1 }
            let start = Int(offsets[id])
            if Int(offsets[id + 1]) - start == length && scalars[start + length1] == 0x1F {
                var k = 0
                while k < length1 && scalars[start + k] == s[lo1 + k] { k += 1 }
                if k == length1 {
                    let second = start + length1 + 1
                    k = 0
                    while k < hi2 - lo2 && scalars[second + k] == s[lo2 + k] { k += 1 }
                    if k == hi2 - lo2 { return id }
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The id of the string `s[lo..<hi]`, or -1.
    @inline(__always)
    func lookup(_ s: UnsafePointer<UInt32>, _ lo: Int, _ hi: Int) -> Int {
        let length = hi - lo
        if length > maxLength || length <= 0 { return -1 }
        let bit = Self.filterBit(length, s[lo], s[hi - 1]) & filterMask
        if filter[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return -1 }
        var slot = Self.hash(s, lo, hi) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return -1 }
            let start = Int(offsets[id])
            if Int(offsets[id + 1]) - start == length {
                var k = 0
                while k < length && scalars[start + k] == s[lo + k] { k += 1 }
                if k == length { return id }
            }
            slot = (slot + 1) & mask
        }
    }
}

/// The immutable tables, built once per process; flat arrays in immortal memory.
final class SpacyEnglishRules: @unchecked Sendable {
    static let shared = SpacyEnglishRules()

    /// Flags of every BMP code point (128 KiB), so that the hot path never searches.
    private let bmpFlags: UnsafePointer<UInt16>
    /// Exceptions: id -> text; `pieceLengths[pieceOffsets[id]..<pieceOffsets[id+1]]` are its tokens.
    let exceptions: ScalarStringTable
    let pieceLengths: UnsafePointer<Int32>
    let pieceOffsets: UnsafePointer<Int32>
    /// Matcher patterns, reached by their first two tokens (keys "first U+001F second"): patterns
    /// `patternsOfPair[f]..<patternsOfPair[f+1]` start with pair `f`; pattern `p` replaces by rule `patternRule[p]`,
    /// its token lengths are `patternTokenLengths[patternTokenOffsets[p]..<patternTokenOffsets[p+1]]`.
    let leadingPairs: ScalarStringTable
    let patternsOfPair: UnsafePointer<Int32>
    let patternRule: UnsafePointer<Int32>
    let patternTokenOffsets: UnsafePointer<Int32>
    let patternTokenLengths: UnsafePointer<Int32>
    /// The rule's tokens are the pattern's: a match changes nothing (but may block another).
    let patternIsIdentity: UnsafePointer<Bool>
    /// Suffix literals ("'s", units and currencies after a digit) grouped by last scalar: literal `k`
    /// is `suffixScalars[suffixOffsets[k]..<suffixOffsets[k+1]]`; ASCII last scalar `c` owns literals
    /// `asciiSuffixGroups[c]..<asciiSuffixGroups[c+1]`; the others are listed in `otherSuffixGroups`.
    let suffixScalars: UnsafePointer<UInt32>
    let suffixOffsets: UnsafePointer<Int32>
    let suffixAfterDigit: UnsafePointer<Bool>
    let asciiSuffixGroups: UnsafePointer<Int32>
    let otherSuffixGroups: [(last: UInt32, start: Int, end: Int)]

    private init() {
        // Character classes.
        var bmp = [UInt16](repeating: 0, count: 0x10000)
        let starts = SpacyEnglishTables.flagStarts
        let values = SpacyEnglishTables.flagValues
        for i in 0..<starts.count where starts[i] < 0x10000 {
            let end = i + 1 < starts.count ? min(Int(starts[i + 1]), 0x10000) : 0x10000
            for c in Int(starts[i])..<end { bmp[c] = values[i] }
        }
        bmpFlags = immortal(bmp)

        // Exceptions.
        var keys: [[UInt32]] = []
        var lengths: [Int32] = []
        var offsets: [Int32] = [0]
        for entry in SpacyEnglishExceptions.rules {
            let pieces = entry.unicodeScalars.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            keys.append(pieces.flatMap { $0.map(\.value) })
            lengths.append(contentsOf: pieces.map { Int32($0.count) })
            offsets.append(Int32(lengths.count))
        }
        precondition(Set(keys).count == keys.count, "duplicate tokenizer exception")
        let exceptionTable = ScalarStringTable(keys)
        exceptions = exceptionTable
        pieceLengths = immortal(lengths)
        pieceOffsets = immortal(offsets)

        // Matcher patterns, grouped by their first two tokens.
        var firstKeys: [[UInt32]] = []
        var groups: [[(rule: Int, lengths: [Int32])]] = []
        for entry in SpacyEnglishExceptions.matcherPatterns {
            let pieces = entry.unicodeScalars.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            let text = pieces.flatMap { $0.map(\.value) }
            let rule = text.withUnsafeBufferPointer { exceptionTable.lookup($0.baseAddress!, 0, text.count) }
            precondition(rule >= 0 && pieces.count >= 2, "matcher pattern without a rule")
            let first = pieces[0].map(\.value) + [0x1F] + pieces[1].map(\.value)
            if let f = firstKeys.firstIndex(of: first) {
                groups[f].append((rule, pieces.map { Int32($0.count) }))
            } else {
                firstKeys.append(first)
                groups.append([(rule, pieces.map { Int32($0.count) })])
            }
        }
        leadingPairs = ScalarStringTable(firstKeys)
        var ofFirst: [Int32] = [0]
        var ruleOf: [Int32] = []
        var tokenOffsets: [Int32] = [0]
        var tokenLengths: [Int32] = []
        var identity: [Bool] = []
        for group in groups {
            for pattern in group {
                let pieces = lengths[Int(offsets[pattern.rule])..<Int(offsets[pattern.rule + 1])]
                identity.append(pieces.elementsEqual(pattern.lengths))
                ruleOf.append(Int32(pattern.rule))
                tokenLengths.append(contentsOf: pattern.lengths)
                tokenOffsets.append(Int32(tokenLengths.count))
            }
            ofFirst.append(Int32(ruleOf.count))
        }
        patternsOfPair = immortal(ofFirst)
        patternRule = immortal(ruleOf)
        patternTokenOffsets = immortal(tokenOffsets)
        patternTokenLengths = immortal(tokenLengths)
        patternIsIdentity = immortal(identity)

        // Suffix literals, sorted by last scalar.
        let literals = (SpacyEnglishTables.suffixLiterals.map { ($0, false) }
            + SpacyEnglishTables.suffixLiteralsAfterDigit.map { ($0, true) })
            .map { (scalars: $0.0.unicodeScalars.map(\.value), afterDigit: $0.1) }
            .sorted { $0.scalars.last! < $1.scalars.last! }
        var flat: [UInt32] = []
        var literalOffsets: [Int32] = [0]
        for literal in literals {
            flat.append(contentsOf: literal.scalars)
            literalOffsets.append(Int32(flat.count))
        }
        suffixScalars = immortal(flat)
        suffixOffsets = immortal(literalOffsets)
        suffixAfterDigit = immortal(literals.map(\.afterDigit))
        var ascii = [Int32](repeating: 0, count: 129)
        var other: [(last: UInt32, start: Int, end: Int)] = []
        for c in 0...128 {
            ascii[c] = Int32(literals.firstIndex { $0.scalars.last! >= UInt32(c) } ?? literals.count)
        }
        var k = Int(ascii[128])
        while k < literals.count {
            let last = literals[k].scalars.last!
            var e = k
            while e < literals.count && literals[e].scalars.last! == last { e += 1 }
            other.append((last, k, e))
            k = e
        }
        asciiSuffixGroups = immortal(ascii)
        otherSuffixGroups = other
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
            var first = 0
            var end = 0
            if last < 128 {
                first = Int(asciiSuffixGroups[Int(last)])
                end = Int(asciiSuffixGroups[Int(last) + 1])
            } else if let group = otherSuffixGroups.first(where: { $0.last == last }) {
                first = group.start
                end = group.end
            }
            for literal in first..<end {
                let from = Int(suffixOffsets[literal])
                let n = Int(suffixOffsets[literal + 1]) - from
                let start = hi - n
                if n <= best || start < lo { continue }
                if suffixAfterDigit[literal] && !(start - 1 >= lo && Self.isDigit(s[start - 1])) { continue }
                var k = 0
                while k < n && suffixScalars[from + k] == s[start + k] { k += 1 }
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
