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
        let words = WordBuffers(tokenizer.words(text))
        for rule in config.topNGrams {
            guard let top = words.topDuplicateChars(rule.n) else { continue }  // `if not n_grams: continue`
            if Double(top) / length > rule.fraction { return .drop("top_\(rule.n)_gram") }
        }
        for rule in config.dupNGrams {
            let repeated = words.allDuplicateChars(rule.n)
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
            buffer.append(contentsOf: element.utf8)
            ranges.append(start..<buffer.count)
        }
        return buffer.withUnsafeBufferPointer { duplicates($0, ranges) }
    }

    static func duplicates(_ bytes: UnsafeBufferPointer<UInt8>, _ pieces: [Range<Int>]) -> (Int, Int) {
        var seen = ByteSliceTable(capacity: pieces.count)
        var count = 0
        var chars = 0
        for piece in pieces where !seen.insert(bytes, piece.lowerBound, piece.upperBound).inserted {
            count += 1
            chars += scalarCount(bytes, piece.lowerBound, piece.upperBound)
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
/// same n-gram).
struct WordBuffers {
    var spaced: [UInt8] = []
    /// Start of word i in `spaced`; word i ends at `spacedStart[i + 1] - 1`.
    var spacedStart: [Int] = []
    var plain: [UInt8] = []
    /// Start of word i in `plain`, and the total at the end (count + 1 entries).
    var plainStart: [Int] = []
    /// Scalars in words 0..<i (count + 1 entries).
    var scalarPrefix: [Int] = []

    var count: Int { spacedStart.count }

    init(_ words: [Substring]) {
        let bytes = words.reduce(0) { $0 + $1.utf8.count }
        spaced.reserveCapacity(bytes + words.count)
        plain.reserveCapacity(bytes)
        spacedStart.reserveCapacity(words.count + 1)
        plainStart.reserveCapacity(words.count + 1)
        scalarPrefix.reserveCapacity(words.count + 1)
        var scalars = 0
        for word in words {
            spacedStart.append(spaced.count)
            plainStart.append(plain.count)
            scalarPrefix.append(scalars)
            let start = plain.count
            plain.append(contentsOf: word.utf8)
            for index in start..<plain.count where plain[index] & 0xC0 != 0x80 { scalars += 1 }
            spaced.append(contentsOf: plain[start...])
            spaced.append(0x20)
        }
        plainStart.append(plain.count)
        scalarPrefix.append(scalars)
    }

    /// `find_top_duplicate(get_n_grams(words, n))`: length x count of the most frequent n-gram, the
    /// first seen among equally frequent ones (`Counter.most_common(1)`); nil when there is no n-gram.
    func topDuplicateChars(_ n: Int) -> Int? {
        let windows = count - n + 1
        guard windows > 0 else { return nil }
        return spaced.withUnsafeBufferPointer { bytes -> Int in
            var table = ByteSliceTable(capacity: windows)
            var counts: [Int] = []
            var firstWindow: [Int] = []
            counts.reserveCapacity(windows)
            for i in 0..<windows {
                let end = spacedStart[i + n - 1] + (plainStart[i + n] - plainStart[i + n - 1])
                let (entry, inserted) = table.insert(bytes, spacedStart[i], end)
                if inserted {
                    counts.append(1)
                    firstWindow.append(i)
                } else {
                    counts[entry] += 1
                }
            }
            var best = 0
            for entry in counts.indices.dropFirst() where counts[entry] > counts[best] { best = entry }
            let i = firstWindow[best]
            let length = scalarPrefix[i + n] - scalarPrefix[i] + (n - 1)
            return length * counts[best]
        }
    }

    /// `find_all_duplicate(words, n)`: scanning left to right, an n-gram (words joined with nothing)
    /// seen before adds its length and jumps n words; a new one is remembered and the scan moves one word.
    func allDuplicateChars(_ n: Int) -> Int {
        let windows = count - n + 1
        guard windows > 0 else { return 0 }
        return plain.withUnsafeBufferPointer { bytes -> Int in
            var table = ByteSliceTable(capacity: windows)
            var repeated = 0
            var i = 0
            while i < windows {
                if table.insert(bytes, plainStart[i], plainStart[i + n]).inserted {
                    i += 1
                } else {
                    repeated += scalarPrefix[i + n] - scalarPrefix[i]
                    i += n
                }
            }
            return repeated
        }
    }
}

/// A set of byte ranges of one buffer, equal when their bytes are (so, for UTF-8, Python `str`
/// equality), numbered in insertion order. Sized once for at most `capacity` entries.
struct ByteSliceTable {
    private var slots: [Int32]
    private var starts: [Int] = []
    private var ends: [Int] = []
    private var hashes: [UInt64] = []
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        starts.reserveCapacity(capacity)
        ends.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
    }

    /// Adds `bytes[start..<end]` unless an equal range is there; returns its entry number and whether
    /// it was added.
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int)
        -> (entry: Int, inserted: Bool) {
        let base = bytes.baseAddress
        let width = end - start
        let hash = Self.hash(base.map { $0 + start }, width)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if hashes[entry] == hash, ends[entry] - starts[entry] == width,
               Self.same(base, starts[entry], start, width) {
                return (entry, false)
            }
            slot = (slot + 1) & mask
        }
        let entry = starts.count
        precondition(entry < slots.count / 2, "ByteSliceTable over capacity")
        slots[slot] = Int32(entry)
        starts.append(start)
        ends.append(end)
        hashes.append(hash)
        return (entry, true)
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

    /// A fast 64-bit hash of `count` bytes (collisions only cost a comparison).
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
