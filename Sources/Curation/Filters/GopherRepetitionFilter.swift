/// One n-gram rule of the Gopher repetition filter: `n` words, and the largest share of the text's
/// characters they may take (the filter drops when the share is strictly greater).
public struct GopherNGramThreshold: Sendable, Equatable {
    public var n: Int
    public var fraction: Double

    public init(_ n: Int, _ fraction: Double) {
        self.n = n
        self.fraction = fraction
    }
}

/// Thresholds of datatrove's `GopherRepetitionFilter` (0.10.1), same names (in camelCase) and
/// defaults. A nil or zero fraction disables its check, as Python's truthiness test does; the n-gram
/// fractions are compared without that test, so an empty list is how to disable them.
public struct GopherRepetitionConfig: Sendable, Equatable {
    /// `dup_line_frac`: duplicated lines / lines.
    public var dupLineFrac: Double?
    /// `dup_para_frac`: duplicated paragraphs / paragraphs.
    public var dupParaFrac: Double?
    /// `dup_line_char_frac`: characters in duplicated lines / characters of the text.
    public var dupLineCharFrac: Double?
    /// `dup_para_char_frac`: characters in duplicated paragraphs / characters of the text.
    public var dupParaCharFrac: Double?
    /// `top_n_grams`: for each n, the most frequent n-gram's characters x count / characters of the text.
    public var topNGrams: [GopherNGramThreshold]
    /// `dup_n_grams`: for each n, characters in repeated n-grams / characters of the text.
    public var dupNGrams: [GopherNGramThreshold]

    public static let defaultTopNGrams = [GopherNGramThreshold(2, 0.2), GopherNGramThreshold(3, 0.18),
                                          GopherNGramThreshold(4, 0.16)]
    public static let defaultDupNGrams = [GopherNGramThreshold(5, 0.15), GopherNGramThreshold(6, 0.14),
                                          GopherNGramThreshold(7, 0.13), GopherNGramThreshold(8, 0.12),
                                          GopherNGramThreshold(9, 0.11), GopherNGramThreshold(10, 0.10)]

    public init(dupLineFrac: Double? = 0.3, dupParaFrac: Double? = 0.3, dupLineCharFrac: Double? = 0.2,
                dupParaCharFrac: Double? = 0.2, topNGrams: [GopherNGramThreshold] = defaultTopNGrams,
                dupNGrams: [GopherNGramThreshold] = defaultDupNGrams) {
        self.dupLineFrac = dupLineFrac
        self.dupParaFrac = dupParaFrac
        self.dupLineCharFrac = dupLineCharFrac
        self.dupParaCharFrac = dupParaCharFrac
        self.topNGrams = topNGrams
        self.dupNGrams = dupNGrams
    }

    /// Why this configuration cannot run, or nil. datatrove accepts an n below 1 but then loops forever
    /// (`find_all_duplicate` with n = 0) or slices nonsense (negative n); plm refuses it.
    public var invalidReason: String? {
        for rule in topNGrams + dupNGrams where rule.n < 1 {
            return "gopher_repetition: n-gram size \(rule.n) is below 1"
        }
        return nil
    }
}

/// datatrove's `GopherRepetitionFilter`, decision for decision: duplicated paragraphs and lines, the
/// most frequent 2-, 3-, 4-gram and repeated 5- to 10-grams, each measured against the text's length
/// in Unicode scalars, first failure wins. Reasons: `empty`, `dup_para_frac`, `dup_para_char_frac`,
/// `dup_line_frac`, `dup_line_char_frac`, `top_<n>_gram`, `duplicated_<n>_n_grams`.
public struct GopherRepetitionFilter: DocumentFilter {
    public let name = "gopher_repetition"
    public let config: GopherRepetitionConfig
    public let tokenizer: any WordTokenizer

    public init(config: GopherRepetitionConfig = GopherRepetitionConfig(),
                tokenizer: any WordTokenizer = WhitespaceWordTokenizer()) {
        precondition(config.invalidReason == nil, config.invalidReason ?? "")
        self.config = config
        self.tokenizer = tokenizer
    }

    public func apply(to text: inout String) -> FilterDecision {
        // `if not text`: only the empty string; whitespace goes on.
        if text.isEmpty { return .drop("empty") }
        var native = text
        return native.withUTF8 { decide(text: text, bytes: $0) }
    }

    private func decide(text: String, bytes: UnsafeBufferPointer<UInt8>) -> FilterDecision {
        let length = Double(Self.scalarCount(bytes, 0, bytes.count))

        // Paragraphs: `re.split(r"\n{2,}", text.strip())`.
        let stripped = PythonText.strip(text)
        let strippedStart = text.utf8.distance(from: text.utf8.startIndex, to: stripped.startIndex)
        let strippedEnd = strippedStart + stripped.utf8.count
        let paragraphs = Self.splitOnNewlineRuns(bytes, strippedStart, strippedEnd, minimumRun: 2)
        let (paragraphDuplicates, paragraphChars) = Self.duplicates(bytes, paragraphs)
        if let limit = config.dupParaFrac, limit != 0,
           Double(paragraphDuplicates) / Double(paragraphs.count) > limit {
            return .drop("dup_para_frac")
        }
        if let limit = config.dupParaCharFrac, limit != 0, Double(paragraphChars) / length > limit {
            return .drop("dup_para_char_frac")
        }

        // Lines: `re.split("\n+", text)`, on the unstripped text.
        let lines = Self.splitOnNewlineRuns(bytes, 0, bytes.count, minimumRun: 1)
        let (lineDuplicates, lineChars) = Self.duplicates(bytes, lines)
        if let limit = config.dupLineFrac, limit != 0, Double(lineDuplicates) / Double(lines.count) > limit {
            return .drop("dup_line_frac")
        }
        if let limit = config.dupLineCharFrac, limit != 0, Double(lineChars) / length > limit {
            return .drop("dup_line_char_frac")
        }

        if config.topNGrams.isEmpty && config.dupNGrams.isEmpty { return .keep }
        var words = WordBuffers(reservingBytes: bytes.count)
        tokenizer.forEachWord(in: text) { words.append($0) }
        words.finish()
        var table = WindowSet(capacity: words.count)  // n-grams of any n >= 1 fit
        for rule in config.topNGrams {
            // `if not n_grams: continue`
            guard let top = words.topDuplicateChars(rule.n, table: &table) else { continue }
            if Double(top) / length > rule.fraction { return .drop("top_\(rule.n)_gram") }
        }
        for rule in config.dupNGrams {
            let repeated = words.allDuplicateChars(rule.n, table: &table)
            if Double(repeated) / length > rule.fraction { return .drop("duplicated_\(rule.n)_n_grams") }
        }
        return .keep
    }

    // MARK: datatrove's helpers

    /// `find_duplicates`: how many elements repeat an earlier one, and their total length in scalars.
    /// Elements are equal when their scalars are (Python `str` equality). Shared with the FineWeb filter.
    public static func findDuplicates(_ elements: [Substring]) -> (duplicates: Int, duplicateChars: Int) {
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(elements.count)
        for element in elements {
            let start = buffer.count
            PythonText.withUTF8(element) { buffer.append(contentsOf: $0) }
            ranges.append(start..<buffer.count)
        }
        return buffer.withUnsafeBufferPointer { duplicates($0, ranges) }
    }

    static func duplicates(_ bytes: UnsafeBufferPointer<UInt8>, _ pieces: [Range<Int>]) -> (Int, Int) {
        var seen = WindowSet(capacity: pieces.count)
        var count = 0
        var chars = 0
        for (index, piece) in pieces.enumerated() {
            let hash = ByteHash.hash(bytes.baseAddress.map { $0 + piece.lowerBound }, piece.count)
            let earlier = seen.insert(index, hash: hash) { other in
                let stored = pieces[other]
                return stored.count == piece.count && ByteHash.same(bytes.baseAddress, stored.lowerBound, piece.lowerBound, piece.count)
            }
            if earlier != nil {
                count += 1
                chars += scalarCount(bytes, piece.lowerBound, piece.upperBound)
            }
        }
        return (count, chars)
    }

    /// `re.split("\n{k,}", text[start..<end])` for k = `minimumRun` (1 or 2): byte ranges of the pieces.
    static func splitOnNewlineRuns(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                   minimumRun: Int) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var pieceStart = start
        var index = start
        while index < end {
            guard bytes[index] == 0x0A else {
                index += 1
                continue
            }
            var runEnd = index + 1
            while runEnd < end, bytes[runEnd] == 0x0A { runEnd += 1 }
            if runEnd - index >= minimumRun {
                pieces.append(pieceStart..<index)
                pieceStart = runEnd
            }
            index = runEnd
        }
        pieces.append(pieceStart..<end)
        return pieces
    }

    /// Scalars in a UTF-8 byte range: the bytes that are not continuation bytes.
    @inline(__always)
    static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var count = 0
        var index = start
        while index < end {
            if bytes[index] & 0xC0 != 0x80 { count += 1 }
            index += 1
        }
        return count
    }
}

/// The words of a text, back to back as UTF-8 (`plain`), with the start of each: every n-gram joined
/// with nothing (`find_all_duplicate`: `"".join(words[i:i+n])`, where `["ab", "c"]` and `["a", "bc"]`
/// are the same n-gram) is one contiguous byte range, and an n-gram joined with single spaces
/// (`get_n_grams`: `" ".join(words[i:i+n])`) is its words with a space between each, compared and
/// hashed word by word without being laid out. Memory: the words' bytes (at most the text's) and
/// 4 bytes a word; what the passes add is their `WindowSet` and, for the most frequent n-gram, 4
/// bytes a word of counts.
struct WordBuffers {
    private(set) var count = 0
    private var plain: [UInt8] = []
    /// Start of word i in `plain` (count + 1 entries once finished: the end comes last).
    private var starts: [UInt32] = []
    /// Whether some word holds a space: then " ".join is ambiguous word by word ("a b" + "c" and "a" +
    /// "b c" join the same), and spaced n-grams are laid out to be hashed and compared. No tokenizer
    /// of ours makes such words; a user's might.
    private var wordsHoldSpaces = false

    /// Words totalling at most `bytes` bytes (the text's length) fit without growing.
    init(reservingBytes bytes: Int) {
        plain.reserveCapacity(bytes)
    }

    init(_ words: [Substring]) {
        self.init(reservingBytes: words.reduce(0) { $0 + $1.utf8.count })
        for word in words { PythonText.withUTF8(word) { append($0) } }
        finish()
    }

    mutating func append(_ word: UnsafeBufferPointer<UInt8>) {
        // Documents are under 1 GiB (ingest's limit), so their words' bytes fit 32-bit offsets.
        starts.append(UInt32(plain.count))
        plain.append(contentsOf: word)
        if !wordsHoldSpaces && word.contains(0x20) { wordsHoldSpaces = true }
        count += 1
    }

    mutating func finish() {
        starts.append(UInt32(plain.count))
    }

    @inline(__always) private func start(_ word: Int) -> Int { Int(starts[word]) }

    /// `find_top_duplicate(get_n_grams(words, n))`: length x count of the most frequent n-gram, the
    /// first seen among equally frequent ones (`Counter.most_common(1)`); nil when there is no n-gram.
    func topDuplicateChars(_ n: Int, table: inout WindowSet) -> Int? {
        let windows = count - n + 1
        guard windows > 0 else { return nil }
        table.reset(windows: windows)
        var counts = [UInt32](repeating: 0, count: windows)
        var scratch: ([UInt8], [UInt8]) = ([], [])
        plain.withUnsafeBufferPointer { bytes in
            for i in 0..<windows {
                let hash = spacedHash(bytes, i, n, &scratch.0)
                let first = table.insert(i, hash: hash) { other in spacedEqual(bytes, other, i, n, &scratch) } ?? i
                counts[first] &+= 1
            }
        }
        var best = 0
        for window in 1..<windows where counts[window] > counts[best] { best = window }
        let length = plain.withUnsafeBufferPointer { GopherRepetitionFilter.scalarCount($0, start(best), start(best + n)) }
        return (length + n - 1) * Int(counts[best])
    }

    /// `find_all_duplicate(words, n)`: scanning left to right, an n-gram (words joined with nothing)
    /// seen before adds its length and jumps n words; a new one is remembered and the scan moves one word.
    func allDuplicateChars(_ n: Int, table: inout WindowSet) -> Int {
        let windows = count - n + 1
        guard windows > 0 else { return 0 }
        table.reset(windows: windows)
        return plain.withUnsafeBufferPointer { bytes -> Int in
            var repeated = 0
            var i = 0
            while i < windows {
                let lower = start(i)
                let width = start(i + n) - lower
                let hash = ByteHash.hash(bytes.baseAddress.map { $0 + lower }, width)
                let earlier = table.insert(i, hash: hash) { other in
                    let otherLower = start(other)
                    return start(other + n) - otherLower == width
                        && ByteHash.same(bytes.baseAddress, otherLower, lower, width)
                }
                if earlier == nil {
                    i += 1
                } else {
                    repeated += GopherRepetitionFilter.scalarCount(bytes, lower, lower + width)
                    i += n
                }
            }
            return repeated
        }
    }

    func topDuplicateChars(_ n: Int) -> Int? {
        var table = WindowSet(capacity: count)
        return topDuplicateChars(n, table: &table)
    }

    func allDuplicateChars(_ n: Int) -> Int {
        var table = WindowSet(capacity: count)
        return allDuplicateChars(n, table: &table)
    }

    /// A hash of `" ".join(words[i:i+n])`: of the word tuple (the same thing when no word holds a
    /// space), else of the laid-out bytes.
    @inline(__always)
    private func spacedHash(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ n: Int, _ scratch: inout [UInt8]) -> UInt64 {
        if wordsHoldSpaces {
            layOutSpaced(bytes, i, n, into: &scratch)
            return scratch.withUnsafeBufferPointer { ByteHash.hash($0.baseAddress, $0.count) }
        }
        var hash: UInt64 = 0x243F_6A88_85A3_08D3
        for word in i..<i + n {
            hash = ByteHash.mix(hash ^ ByteHash.hash(bytes.baseAddress.map { $0 + start(word) }, start(word + 1) - start(word)))
        }
        return hash
    }

    @inline(__always)
    private func spacedEqual(_ bytes: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ n: Int,
                             _ scratch: inout ([UInt8], [UInt8])) -> Bool {
        if wordsHoldSpaces {
            layOutSpaced(bytes, a, n, into: &scratch.0)
            layOutSpaced(bytes, b, n, into: &scratch.1)
            return scratch.0 == scratch.1
        }
        for k in 0..<n {
            let width = start(a + k + 1) - start(a + k)
            guard start(b + k + 1) - start(b + k) == width,
                  ByteHash.same(bytes.baseAddress, start(a + k), start(b + k), width) else { return false }
        }
        return true
    }

    private func layOutSpaced(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ n: Int, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        for word in i..<i + n {
            if word > i { out.append(0x20) }
            out.append(contentsOf: bytes[start(word)..<start(word + 1)])
        }
    }
}

/// A set of windows (n-grams, lines, paragraphs: anything a caller can compare by index), each with
/// its hash, for up to `capacity` entries at a time (`reset` empties it). Open addressing in one array
/// of 8-byte slots, each holding a window and 32 bits of its hash, 1.25 slots an entry (a hash picks
/// its slot by multiplying, so the count need not be a power of two): 10 bytes an entry. Callers hash
/// the windows (any function of their bytes alone; collisions only cost a comparison) and say when two
/// are equal. Non-copyable, so that it owns its memory without a class's runtime exclusivity checks.
struct WindowSet: ~Copyable {
    private let slots: UnsafeMutablePointer<UInt64>
    private var slotCount = 0
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        slots = .allocate(capacity: Self.slotCount(for: self.capacity))
        reset(windows: self.capacity)
    }

    deinit { slots.deallocate() }

    /// Slots for `entries`: at most 80% of them are ever full, so probing stays short.
    private static func slotCount(for entries: Int) -> Int { max(16, entries + entries / 4 + 1) }

    /// Empties the set for up to `windows` entries (at most the capacity it was made with).
    mutating func reset(windows: Int) {
        precondition(windows <= capacity, "WindowSet: \(windows) entries, capacity \(capacity)")
        slotCount = Self.slotCount(for: windows)
        slots.update(repeating: 0, count: slotCount)
    }

    /// Adds `window` (with `hash`) unless an equal one is in: returns nil when it was new, else the
    /// window first added. `same(w)` says whether window w equals the one being added.
    @inline(__always)
    mutating func insert(_ window: Int, hash: UInt64, same: (Int) -> Bool) -> Int? {
        let mixed = ByteHash.mix(hash)
        let tag = mixed >> 32
        var slot = Int(truncatingIfNeeded: ((mixed & 0xFFFF_FFFF) &* UInt64(slotCount)) >> 32)
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if entry >> 32 == tag {
                let other = Int(entry & 0xFFFF_FFFF) - 1
                if same(other) { return other }
            }
            slot += 1
            if slot == slotCount { slot = 0 }
        }
        slots[slot] = tag << 32 | UInt64(window + 1)
        return nil
    }
}

/// Hashing and comparing byte ranges, for the filters' duplicate counts.
enum ByteHash {
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Whether `width` bytes at `a` and at `b` of `base` are equal.
    @inline(__always)
    static func same(_ base: UnsafePointer<UInt8>?, _ a: Int, _ b: Int, _ width: Int) -> Bool {
        guard let base, a != b else { return true }
        var offset = 0
        while offset + 8 <= width {
            let x = UnsafeRawPointer(base + a + offset).loadUnaligned(as: UInt64.self)
            let y = UnsafeRawPointer(base + b + offset).loadUnaligned(as: UInt64.self)
            if x != y { return false }
            offset += 8
        }
        while offset < width {
            if base[a + offset] != base[b + offset] { return false }
            offset += 1
        }
        return true
    }

    /// A fast 64-bit hash of `count` bytes.
    @inline(__always)
    static func hash(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(truncatingIfNeeded: count) &* 0xC2B2_AE3D_27D4_EB4F
        guard let pointer else { return h }
        let raw = UnsafeRawPointer(pointer)
        var offset = 0
        while offset + 8 <= count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
            h ^= h >> 29
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(pointer[offset]) << shift
                shift += 8
                offset += 1
            }
            h = (h ^ tail) &* multiplier
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }
}
