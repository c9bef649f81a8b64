import Foundation

/// Recently seen words with the sum of their input rows, for `FastTextModel.best`.
///
/// Without a word vocabulary (the built-in model has none) every word costs one FNV hash, one bucket
/// remainder and one row fetch per character n-gram: about 25 of each for a six-letter word, and most of
/// classification's time. Words repeat (Zipf), so the sum of a word's rows is kept and reused.
///
/// The result never depends on what the cache holds: `best` always adds a word's rows into a vector of its
/// own first and then that vector to the line's sum, whether the vector was just made or found here. So a
/// text gets the same answer on any thread, after any other texts, at any cache size.
///
/// Direct-mapped by the word's FNV hash (which the dictionary lookup needs anyway); a new word replaces the
/// one in its slot. Words longer than `keyWidth` bytes are not kept.
struct WordSumCache: Sendable {
    static let keyWidth = 32
    let slotCount: Int
    let dim: Int
    /// Per slot: the word's length (0: empty), hash, row count, bytes and row sum.
    private var lengths: [UInt8]
    private var hashes: [UInt32]
    private var rowCounts: [Int32]
    private var keys: [UInt8]
    private var sums: [Float]
    /// Words found (for tests and profiles).
    private(set) var hits = 0

    init(slotCount: Int, dim: Int) {
        precondition(slotCount > 0 && slotCount & (slotCount - 1) == 0, "a power of two")
        self.slotCount = slotCount
        self.dim = dim
        lengths = [UInt8](repeating: 0, count: slotCount)
        hashes = [UInt32](repeating: 0, count: slotCount)
        rowCounts = [Int32](repeating: 0, count: slotCount)
        keys = [UInt8](repeating: 0, count: slotCount * Self.keyWidth)
        sums = [Float](repeating: 0, count: slotCount * dim)
    }

    /// The slot of a hash: its high bits after a multiply, since FNV's low bits follow the last byte closely.
    @inline(__always)
    func slot(ofHash h: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(h) &* 0x9E37_79B9_7F4A_7C15) >> 32) & (slotCount - 1)
    }

    /// Adds the cached sum of `word` to `hidden` and returns its row count, or nil when it is not cached.
    @inline(__always)
    mutating func add(_ word: UnsafeBufferPointer<UInt8>, hash h: UInt32, to hidden: UnsafeMutableBufferPointer<Float>) -> Int32? {
        let slot = slot(ofHash: h)
        guard Int(lengths[slot]) == word.count, hashes[slot] == h else { return nil }
        let same = keys.withUnsafeBufferPointer { keys in
            memcmp(keys.baseAddress! + slot * Self.keyWidth, word.baseAddress!, word.count) == 0
        }
        guard same else { return nil }
        sums.withUnsafeBufferPointer { sums in
            let sum = sums.baseAddress! + slot * dim
            for j in 0..<dim { hidden[j] += sum[j] }
        }
        hits += 1
        return rowCounts[slot]
    }

    /// Keeps `sum` (`dim` floats) and `rowCount` for `word`, replacing the slot's word.
    @inline(__always)
    mutating func store(_ word: UnsafeBufferPointer<UInt8>, hash h: UInt32, rowCount: Int32, sum: UnsafeBufferPointer<Float>) {
        guard !word.isEmpty, word.count <= Self.keyWidth else { return }
        let slot = slot(ofHash: h)
        lengths[slot] = UInt8(word.count)
        hashes[slot] = h
        rowCounts[slot] = rowCount
        keys.withUnsafeMutableBufferPointer { keys in
            (keys.baseAddress! + slot * Self.keyWidth).update(from: word.baseAddress!, count: word.count)
        }
        sums.withUnsafeMutableBufferPointer { sums in
            (sums.baseAddress! + slot * dim).update(from: sum.baseAddress!, count: dim)
        }
    }
}

extension FastTextModel {
    /// Slots of each scratch's `WordSumCache`: 8192 words, 840 KiB at dim 16 (105 bytes a word), within a
    /// core's 1 MiB L2.
    static let wordSumSlots = 8192

    /// The line's hidden vector as `best` computes it: each word's rows summed in order into a vector of its
    /// own (from the cache when the word was seen), the words' vectors added in order, then the word n-gram
    /// rows, all divided by the number of rows. The same rows as `computeHidden`, grouped by word, so it
    /// differs from fastText's sum only in float rounding (about 1e-7 relative). False when the line has no row.
    func computeHiddenByWords(_ bytes: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> Bool {
        let dim = input.columns
        if scratch.hidden.count != dim { scratch.hidden = [Float](repeating: 0, count: dim) }
        if scratch.wordSum.count != dim { scratch.wordSum = [Float](repeating: 0, count: dim) }
        if scratch.wordSums?.dim != dim { scratch.wordSums = WordSumCache(slotCount: scratch.wordSumSlots, dim: dim) }
        scratch.line.wordHashes.removeAll(keepingCapacity: true)
        var rowCount = 0
        var hidden: [Float] = []
        var wordSum: [Float] = []
        var cache: WordSumCache? = nil
        // Taken out of the scratch while the closure below mutates the rest of it.
        swap(&hidden, &scratch.hidden)
        swap(&wordSum, &scratch.wordSum)
        swap(&cache, &scratch.wordSums)
        defer {
            swap(&hidden, &scratch.hidden)
            swap(&wordSum, &scratch.wordSum)
            swap(&cache, &scratch.wordSums)
        }
        hidden.withUnsafeMutableBufferPointer { hidden in
            wordSum.withUnsafeMutableBufferPointer { wordSum in
                for j in 0..<dim { hidden[j] = 0 }
                FastTextDictionary.forEachToken(ofLine: bytes) { token in
                    let h = FastTextDictionary.hash(token)
                    if let count = cache!.add(token, hash: h, to: hidden) {
                        // Only words are kept, so the word n-grams need its hash as on the other path.
                        scratch.line.wordHashes.append(Int32(bitPattern: h))
                        rowCount += Int(count)
                        return
                    }
                    let words = scratch.line.wordHashes.count
                    scratch.rows.removeAll(keepingCapacity: true)
                    dictionary.addToken(token, hash: h, rows: &scratch.rows, scratch: &scratch.line)
                    for j in 0..<dim { wordSum[j] = 0 }
                    scratch.rows.withUnsafeBufferPointer { input.addRows($0, to: wordSum) }
                    for j in 0..<dim { hidden[j] += wordSum[j] }
                    rowCount += scratch.rows.count
                    // A label token adds neither rows nor a hash: not kept, it takes the slow path each time.
                    if scratch.line.wordHashes.count > words {
                        cache!.store(token, hash: h, rowCount: Int32(scratch.rows.count), sum: UnsafeBufferPointer(wordSum))
                    }
                }
                scratch.rows.removeAll(keepingCapacity: true)
                dictionary.addWordNgrams(scratch.line.wordHashes, to: &scratch.rows)
                scratch.rows.withUnsafeBufferPointer { input.addRows($0, to: hidden) }
                rowCount += scratch.rows.count
                guard rowCount > 0 else { return }
                let scale = Float(1.0 / Double(rowCount))
                for j in 0..<dim { hidden[j] *= scale }
            }
        }
        return rowCount > 0
    }
}
