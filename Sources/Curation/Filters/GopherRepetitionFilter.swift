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

    /// Whitespace words are taken as byte ranges of the text (no Substring per word).
    private let whitespaceWords: Bool

    public init(config: GopherRepetitionConfig = GopherRepetitionConfig(),
                tokenizer: any WordTokenizer = WhitespaceWordTokenizer()) {
        precondition(config.invalidReason == nil, config.invalidReason ?? "")
        self.config = config
        self.tokenizer = tokenizer
        whitespaceWords = ((tokenizer as? SharedWordTokenizer)?.inner ?? tokenizer) is WhitespaceWordTokenizer
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
        let words = whitespaceWords
            ? WordBuffers(bytes, WhitespaceWordTokenizer.wordRanges(bytes))
            : WordBuffers(tokenizer.words(text))
        var table = ByteSliceTable(capacity: words.count)  // n-grams of any n >= 1 fit
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
        var seen = ByteSliceTable(capacity: pieces.count)
        var count = 0
        var chars = 0
        for (index, piece) in pieces.enumerated() {
            let hash = ByteSliceTable.hash(bytes.baseAddress.map { $0 + piece.lowerBound }, piece.count)
            if !seen.add(bytes, piece.lowerBound, piece.count, hash, window: index) {
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

/// The words of a text laid out twice as UTF-8, so that every n-gram is one contiguous byte range:
/// joined with single spaces (`get_n_grams`: `" ".join(words[i:i+n])`) and joined with nothing
/// (`find_all_duplicate`: `"".join(words[i:i+n])`, where `["ab", "c"]` and `["a", "bc"]` are the
/// same n-gram). Each layout carries polynomial hashes at the word boundaries, so that any window's
/// hash (a function of its bytes alone) costs one subtraction and one multiplication.
struct WordBuffers {
    let count: Int
    private var spaced: [UInt8] = []
    private var plain: [UInt8] = []
    /// Start of word i in `spaced` and in `plain` (count + 1 entries: the end comes last).
    private var spacedStart: [Int] = []
    private var plainStart: [Int] = []
    /// Scalars in words 0..<i (count + 1 entries).
    private var scalarPrefix: [Int] = []
    /// Prefix hashes (sum of byte x B^offset) at word starts and ends in `spaced`, and at word
    /// boundaries in `plain`, with B^-offset at the starts.
    private var spacedHashAtStart: [UInt64] = []
    private var spacedHashAtEnd: [UInt64] = []
    private var spacedInverseAtStart: [UInt64] = []
    private var plainHash: [UInt64] = []
    private var plainInverse: [UInt64] = []

    private static let base: UInt64 = 0x0000_0100_0000_01B3
    private static let inverseBase: UInt64 = {
        var inverse = base  // Newton's iteration for the inverse modulo 2^64 of an odd number
        for _ in 0..<6 { inverse = inverse &* (2 &- base &* inverse) }
        return inverse
    }()

    init(_ words: [Substring]) {
        count = words.count
        reserve(bytes: words.reduce(0) { $0 + $1.utf8.count })
        var scalars = 0
        for word in words { PythonText.withUTF8(word) { append($0, &scalars) } }
        finish(scalars)
    }

    /// The words at `ranges` of `text`'s bytes.
    init(_ text: UnsafeBufferPointer<UInt8>, _ ranges: [Range<Int>]) {
        count = ranges.count
        reserve(bytes: ranges.reduce(0) { $0 + $1.count })
        var scalars = 0
        for range in ranges { append(UnsafeBufferPointer(rebasing: text[range]), &scalars) }
        finish(scalars)
    }

    private mutating func reserve(bytes: Int) {
        spaced.reserveCapacity(bytes + count)
        plain.reserveCapacity(bytes)
        spacedStart.reserveCapacity(count + 1)
        plainStart.reserveCapacity(count + 1)
        scalarPrefix.reserveCapacity(count + 1)
    }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, _ scalars: inout Int) {
        spacedStart.append(spaced.count)
        plainStart.append(plain.count)
        scalarPrefix.append(scalars)
        plain.append(contentsOf: bytes)
        spaced.append(contentsOf: bytes)
        for byte in bytes where byte & 0xC0 != 0x80 { scalars += 1 }
        spaced.append(0x20)
    }

    private mutating func finish(_ scalars: Int) {
        spacedStart.append(spaced.count)
        plainStart.append(plain.count)
        scalarPrefix.append(scalars)
        hashBoundaries()
    }

    private mutating func hashBoundaries() {
        let b = Self.base
        let inverse = Self.inverseBase
        spacedHashAtStart = Array(repeating: 0, count: count)
        spacedHashAtEnd = Array(repeating: 0, count: count)
        spacedInverseAtStart = Array(repeating: 0, count: count)
        plainHash = Array(repeating: 0, count: count + 1)
        plainInverse = Array(repeating: 0, count: count + 1)
        var hash: UInt64 = 0
        var power: UInt64 = 1
        var inversePower: UInt64 = 1
        var plainHashValue: UInt64 = 0
        var plainPower: UInt64 = 1
        var plainInversePower: UInt64 = 1
        for i in 0..<count {
            spacedHashAtStart[i] = hash
            spacedInverseAtStart[i] = inversePower
            plainHash[i] = plainHashValue
            plainInverse[i] = plainInversePower
            for index in plainStart[i]..<plainStart[i + 1] {
                let byte = UInt64(plain[index])
                hash = hash &+ byte &* power
                power = power &* b
                inversePower = inversePower &* inverse
                plainHashValue = plainHashValue &+ byte &* plainPower
                plainPower = plainPower &* b
                plainInversePower = plainInversePower &* inverse
            }
            spacedHashAtEnd[i] = hash
            hash = hash &+ 0x20 &* power  // the separator
            power = power &* b
            inversePower = inversePower &* inverse
        }
        plainHash[count] = plainHashValue
        plainInverse[count] = plainInversePower
    }

    /// `find_top_duplicate(get_n_grams(words, n))`: length x count of the most frequent n-gram, the
    /// first seen among equally frequent ones (`Counter.most_common(1)`); nil when there is no n-gram.
    func topDuplicateChars(_ n: Int, table: inout ByteSliceTable) -> Int? {
        let windows = count - n + 1
        guard windows > 0 else { return nil }
        table.reset(capacity: windows)
        return spaced.withUnsafeBufferPointer { bytes -> Int in
            for i in 0..<windows {
                let start = spacedStart[i]
                let end = spacedStart[i + n] - 1
                let hash = (spacedHashAtEnd[i + n - 1] &- spacedHashAtStart[i]) &* spacedInverseAtStart[i]
                table.add(bytes, start, end - start, hash, window: i)
            }
            let (window, occurrences) = table.mostFrequent()
            let length = scalarPrefix[window + n] - scalarPrefix[window] + (n - 1)
            return length * occurrences
        }
    }

    /// `find_all_duplicate(words, n)`: scanning left to right, an n-gram (words joined with nothing)
    /// seen before adds its length and jumps n words; a new one is remembered and the scan moves one word.
    func allDuplicateChars(_ n: Int, table: inout ByteSliceTable) -> Int {
        let windows = count - n + 1
        guard windows > 0 else { return 0 }
        table.reset(capacity: windows)
        return plain.withUnsafeBufferPointer { bytes -> Int in
            var repeated = 0
            var i = 0
            while i < windows {
                let start = plainStart[i]
                let hash = (plainHash[i + n] &- plainHash[i]) &* plainInverse[i]
                if table.add(bytes, start, plainStart[i + n] - start, hash, window: i) {
                    i += 1
                } else {
                    repeated += scalarPrefix[i + n] - scalarPrefix[i]
                    i += n
                }
            }
            return repeated
        }
    }

    func topDuplicateChars(_ n: Int) -> Int? {
        var table = ByteSliceTable(capacity: count)
        return topDuplicateChars(n, table: &table)
    }

    func allDuplicateChars(_ n: Int) -> Int {
        var table = ByteSliceTable(capacity: count)
        return allDuplicateChars(n, table: &table)
    }
}

/// A counted set of byte ranges of one buffer, equal when their bytes are (so, for UTF-8, Python `str`
/// equality), kept in insertion order, for up to `capacity` entries at a time (`reset` empties it).
/// Callers hash the ranges (any function of the bytes alone; collisions only cost a comparison).
/// Non-copyable, so that it owns its memory without a class's runtime exclusivity checks.
struct ByteSliceTable: ~Copyable {
    private let slots: UnsafeMutablePointer<Int32>
    private let slotCount: Int
    private var mask = 0
    private let hashes: UnsafeMutablePointer<UInt64>
    private let starts: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    private let counts: UnsafeMutablePointer<Int>
    private let firstWindows: UnsafeMutablePointer<Int>
    private let capacity: Int
    private(set) var entries = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        var size = 16
        while size < self.capacity * 2 { size <<= 1 }
        slotCount = size
        slots = .allocate(capacity: size)
        hashes = .allocate(capacity: self.capacity)
        starts = .allocate(capacity: self.capacity)
        lengths = .allocate(capacity: self.capacity)
        counts = .allocate(capacity: self.capacity)
        firstWindows = .allocate(capacity: self.capacity)
        reset(capacity: self.capacity)
    }

    deinit {
        slots.deallocate()
        hashes.deallocate()
        starts.deallocate()
        lengths.deallocate()
        counts.deallocate()
        firstWindows.deallocate()
    }

    /// Empties the table for up to `entries` entries (at most the capacity it was made with).
    mutating func reset(capacity entries: Int) {
        precondition(entries <= capacity, "ByteSliceTable: \(entries) entries, capacity \(capacity)")
        var size = 16
        while size < entries * 2 { size <<= 1 }
        mask = size - 1
        slots.update(repeating: -1, count: size)
        self.entries = 0
    }

    /// Counts `bytes[start ..< start + length]` (with its `hash`); true when it is new, remembered
    /// as first seen at `window`.
    @inline(__always) @discardableResult
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int, _ hash: UInt64, window: Int) -> Bool {
        var slot = Int(truncatingIfNeeded: Self.mix(hash)) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if hashes[entry] == hash, lengths[entry] == length, Self.same(bytes.baseAddress, starts[entry], start, length) {
                counts[entry] += 1
                return false
            }
            slot = (slot + 1) & mask
        }
        precondition(entries < capacity, "ByteSliceTable over capacity")
        let entry = entries
        entries += 1
        slots[slot] = Int32(truncatingIfNeeded: entry)
        hashes[entry] = hash
        starts[entry] = start
        lengths[entry] = length
        counts[entry] = 1
        firstWindows[entry] = window
        return true
    }

    /// The first-inserted entry among the most counted: its `window` and count.
    func mostFrequent() -> (window: Int, count: Int) {
        var best = 0
        for entry in 1..<max(entries, 1) where counts[entry] > counts[best] { best = entry }
        return (firstWindows[best], counts[best])
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    @inline(__always)
    private static func same(_ base: UnsafePointer<UInt8>?, _ a: Int, _ b: Int, _ width: Int) -> Bool {
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
