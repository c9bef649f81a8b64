/// fastText's dictionary: words and labels with their counts, the word lookup table, each word's subword
/// rows, and the map of pruned buckets (`.ftz`). It turns a line of text into the list of input rows,
/// exactly as fastText's `Dictionary::getLine` does (same rows, same order).
public struct FastTextDictionary: Sendable {
    public enum EntryType: UInt8, Sendable { case word = 0, label = 1 }

    public struct Entry: Sendable, Equatable {
        public var word: [UInt8]
        public var count: Int64
        public var type: EntryType

        public init(word: [UInt8], count: Int64, type: EntryType) {
            self.word = word
            self.count = count
            self.type = type
        }
    }

    static let endOfSentence = Array("</s>".utf8)
    static let labelPrefix = Array("__label__".utf8)
    static let beginOfWord: UInt8 = 0x3C   // "<"
    static let endOfWord: UInt8 = 0x3E     // ">"

    public let entries: [Entry]
    public let wordCount: Int
    public let labelCount: Int
    public let tokenCount: Int64
    /// Bucket -> row after pruning; nil when the model was never pruned (fastText's `pruneidx_size_` of -1).
    public let pruneIndex: [Int32: Int32]?
    let minn: Int
    let maxn: Int
    let bucket: BucketModulus
    let wordNgrams: Int
    /// Open-addressing table of entry ids by FNV hash, sized as fastText sizes it (`ceil(size / 0.7)`).
    let table: [Int32]
    /// Each entry's input rows (itself, then its character n-grams), flattened.
    let subwordRows: [Int32]
    let subwordStarts: [Int]     // (entries + 1)

    public init(entries: [Entry], tokenCount: Int64, pruneIndex: [Int32: Int32]?, args: FastTextArgs) {
        self.entries = entries
        self.wordCount = entries.count { $0.type == .word }
        self.labelCount = entries.count - wordCount
        self.tokenCount = tokenCount
        self.pruneIndex = pruneIndex
        self.minn = Int(args.minn)
        self.maxn = Int(args.maxn)
        self.bucket = BucketModulus(UInt32(max(1, args.bucket)))
        self.wordNgrams = Int(args.wordNgrams)
        var table = [Int32](repeating: -1, count: max(1, Int((Double(entries.count) / 0.7).rounded(.up))))
        for (id, entry) in entries.enumerated() {
            var slot = Int(Self.hash(entry.word) % UInt32(table.count))
            while table[slot] != -1 && entries[Int(table[slot])].word != entry.word { slot = (slot + 1) % table.count }
            table[slot] = Int32(id)
        }
        self.table = table
        var rows: [Int32] = []
        var starts = [0]
        var scratch: [UInt8] = []
        for (id, entry) in entries.enumerated() {
            rows.append(Int32(id))
            if entry.word != Self.endOfSentence {
                scratch = [Self.beginOfWord] + entry.word + [Self.endOfWord]
                Self.appendSubwords(of: scratch, minn: minn, maxn: maxn, bucket: bucket, wordCount: wordCount,
                                    pruneIndex: pruneIndex, to: &rows)
            }
            starts.append(rows.count)
        }
        self.subwordRows = rows
        self.subwordStarts = starts
    }

    /// fastText's string hash: 32-bit FNV-1a over the bytes taken as signed chars.
    @inline(__always)
    static func hash<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var h: UInt32 = 2_166_136_261
        for byte in bytes { h = step(h, byte) }
        return h
    }

    @inline(__always)
    static func step(_ h: UInt32, _ byte: UInt8) -> UInt32 {
        (h ^ UInt32(bitPattern: Int32(Int8(bitPattern: byte)))) &* 16_777_619
    }

    /// The entry id of `word`, or -1.
    func id(of word: UnsafeBufferPointer<UInt8>, hash h: UInt32) -> Int32 {
        var slot = Int(h % UInt32(table.count))
        while true {
            let id = table[slot]
            if id == -1 { return -1 }
            if entries[Int(id)].word.elementsEqual(word) { return id }
            slot = (slot + 1) % table.count
        }
    }

    /// The row of a hashed bucket, after pruning (fastText's `pushHash`), appended to `rows` unless pruned away.
    @inline(__always)
    static func push(bucket id: Int32, wordCount: Int, pruneIndex: [Int32: Int32]?, to rows: inout [Int32]) {
        guard id >= 0 else { return }
        var id = id
        if let pruneIndex {
            guard let mapped = pruneIndex[id] else { return }
            id = mapped
        }
        rows.append(Int32(wordCount) + id)
    }

    /// The hashed character n-grams (`minn`...`maxn` UTF-8 characters) of `word` (with its `<` `>` marks),
    /// in fastText's order: by start, then by length; single characters at either mark are skipped.
    static func appendSubwords(of word: [UInt8], minn: Int, maxn: Int, bucket: BucketModulus, wordCount: Int,
                               pruneIndex: [Int32: Int32]?, to rows: inout [Int32]) {
        word.withUnsafeBufferPointer { bytes in
            appendSubwords(of: bytes, minn: minn, maxn: maxn, bucket: bucket, wordCount: wordCount,
                           pruneIndex: pruneIndex, to: &rows)
        }
    }

    static func appendSubwords(of word: UnsafeBufferPointer<UInt8>, minn: Int, maxn: Int, bucket: BucketModulus,
                               wordCount: Int, pruneIndex: [Int32: Int32]?, to rows: inout [Int32]) {
        // At most one n-gram per length per starting character. The rows are written through a pointer with
        // the count in a register: appending one by one kept the array's count in memory, and every n-gram
        // waited on the store before it.
        let bound = word.count * max(0, maxn - minn + 1)
        guard bound > 0 else { return }
        let start = rows.count
        rows.append(contentsOf: repeatElement(0, count: bound))
        let written = rows.withUnsafeMutableBufferPointer { buffer in
            writeSubwords(of: word, minn: minn, maxn: maxn, bucket: bucket, wordCount: wordCount, pruneIndex: pruneIndex,
                          to: buffer.baseAddress! + start)
        }
        rows.removeLast(bound - written)
    }

    /// Writes the rows of `appendSubwords` at `out` (room for `word.count * (maxn - minn + 1)`); returns how many.
    @inline(__always)
    static func writeSubwords(of word: UnsafeBufferPointer<UInt8>, minn: Int, maxn: Int, bucket: BucketModulus,
                              wordCount: Int, pruneIndex: [Int32: Int32]?, to out: UnsafeMutablePointer<Int32>) -> Int {
        let size = word.count
        var written = 0
        var i = 0
        while i < size {
            if word[i] & 0xC0 == 0x80 { i += 1; continue }
            // The n-gram grows by whole characters; FNV runs byte by byte, so each longer n-gram's hash
            // continues the shorter one's.
            var h: UInt32 = 2_166_136_261
            var j = i
            var n = 1
            while j < size && n <= maxn {
                h = step(h, word[j]); j += 1
                while j < size && word[j] & 0xC0 == 0x80 { h = step(h, word[j]); j += 1 }
                if n >= minn && !(n == 1 && (i == 0 || j == size)) {
                    // fastText's `pushHash`: the bucket's row, or its row after pruning, or none if pruned away.
                    let id = Int32(bitPattern: bucket.remainder(h))
                    if let pruneIndex {
                        if let mapped = pruneIndex[id] {
                            out[written] = Int32(wordCount) + mapped
                            written += 1
                        }
                    } else {
                        out[written] = Int32(wordCount) + id
                        written += 1
                    }
                }
                n += 1
            }
            i += 1
        }
        return written
    }

    /// The input rows of one line, as fastText's `getLine` reads it from `text + "\n"` (what its Python
    /// `predict` passes): tokens split at space, tab, CR, LF, VT, FF and NUL; the first newline (or the end)
    /// ends the line with `</s>`; each word adds its own row when known and its character n-grams, then
    /// word n-grams follow. `scratch` holds the word hashes and the marked word between calls.
    public func rows(ofLine text: UnsafeBufferPointer<UInt8>, into rows: inout [Int32], scratch: inout LineScratch) {
        rows.removeAll(keepingCapacity: true)
        scratch.wordHashes.removeAll(keepingCapacity: true)
        Self.forEachToken(ofLine: text) { token in addToken(token, rows: &rows, scratch: &scratch) }
        addWordNgrams(scratch.wordHashes, to: &rows)
    }

    /// The tokens of one line in `getLine`'s order, ending with `</s>` (for the first newline or the end);
    /// a literal `</s>` token ends the line there.
    @inline(__always)
    static func forEachToken(ofLine text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = -1
        var index = 0
        while true {
            let byte: UInt8 = index < text.count ? text[index] : 0x0A
            let isDelimiter = byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0B
                || byte == 0x0C || byte == 0x00
            if isDelimiter {
                if start >= 0 {
                    let token = UnsafeBufferPointer(rebasing: text[start..<min(index, text.count)])
                    body(token)
                    start = -1
                    if token.elementsEqual(endOfSentence) { return }
                }
                if byte == 0x0A {
                    endOfSentence.withUnsafeBufferPointer { body($0) }
                    return
                }
            } else if start < 0 {
                start = index
            }
            index += 1
        }
    }

    /// Buffers reused from line to line.
    public struct LineScratch: Sendable {
        var wordHashes: [Int32] = []
        var marked: [UInt8] = []
        public init() {}
    }

    @inline(__always)
    func addToken(_ token: UnsafeBufferPointer<UInt8>, rows: inout [Int32], scratch: inout LineScratch) {
        addToken(token, hash: Self.hash(token), rows: &rows, scratch: &scratch)
    }

    /// `addToken` for a caller that has the token's hash already.
    @inline(__always)
    func addToken(_ token: UnsafeBufferPointer<UInt8>, hash h: UInt32, rows: inout [Int32], scratch: inout LineScratch) {
        let id = self.id(of: token, hash: h)
        let type: EntryType = id >= 0 ? entries[Int(id)].type
            : (token.starts(with: Self.labelPrefix) ? .label : .word)
        guard type == .word else { return }
        if id >= 0 {
            if maxn <= 0 {
                rows.append(id)
            } else {
                rows.append(contentsOf: subwordRows[subwordStarts[Int(id)]..<subwordStarts[Int(id) + 1]])
            }
        } else if !token.elementsEqual(Self.endOfSentence) {
            scratch.marked.removeAll(keepingCapacity: true)
            scratch.marked.append(Self.beginOfWord)
            scratch.marked.append(contentsOf: token)
            scratch.marked.append(Self.endOfWord)
            scratch.marked.withUnsafeBufferPointer { marked in
                Self.appendSubwords(of: marked, minn: minn, maxn: maxn, bucket: bucket, wordCount: wordCount,
                                    pruneIndex: pruneIndex, to: &rows)
            }
        }
        scratch.wordHashes.append(Int32(bitPattern: h))
    }

    /// Word n-grams up to `wordNgrams` words, hashed from the words' hashes (sign-extended, as fastText's
    /// `uint64_t h = hashes[i]` does with its int32 vector).
    func addWordNgrams(_ hashes: [Int32], to rows: inout [Int32]) {
        guard wordNgrams > 1 else { return }
        for i in 0..<hashes.count {
            var h = UInt64(bitPattern: Int64(hashes[i]))
            var j = i + 1
            while j < hashes.count && j < i + wordNgrams {
                h = h &* 116_049_371 &+ UInt64(bitPattern: Int64(hashes[j]))
                Self.push(bucket: Int32(truncatingIfNeeded: h % UInt64(bucket.divisor)), wordCount: wordCount,
                          pruneIndex: pruneIndex, to: &rows)
                j += 1
            }
        }
    }

    /// The label of output `index`, without fastText's `__label__` prefix when it has one.
    public func label(_ index: Int) -> String {
        let word = entries[wordCount + index].word
        let name = word.starts(with: Self.labelPrefix) ? word.dropFirst(Self.labelPrefix.count) : word[...]
        return String(decoding: name, as: UTF8.self)
    }
}

/// `h % divisor` for 32-bit values without a division (Lemire, Kaser and Kurz, "Faster remainder by direct
/// computation", 2019): exact for every 32-bit `h`; the hashing of character n-grams spends most of its time
/// in this remainder otherwise.
struct BucketModulus: Sendable {
    let divisor: UInt32
    let multiplier: UInt64

    init(_ divisor: UInt32) {
        precondition(divisor > 0, "a bucket count is positive")
        self.divisor = divisor
        multiplier = divisor == 1 ? 0 : UInt64.max / UInt64(divisor) &+ 1
    }

    @inline(__always)
    func remainder(_ h: UInt32) -> UInt32 {
        let low = multiplier &* UInt64(h)
        return UInt32(truncatingIfNeeded: low.multipliedFullWidth(by: UInt64(divisor)).high)
    }
}
