import Foundation

/// One training run's state and merge loop (see `BPETrainer` for the rules). It follows Hugging
/// Face's trainer step for step where the outcome depends on it:
///
/// - every pair has a count (`pairCounts`) and the queue holds candidates carrying the count they
///   were queued with and the words they were seen in; a candidate whose count went stale is put
///   back with the current count when it reaches the top;
/// - a merge rewrites only the words of the candidate merged, and new pairs it forms are queued
///   once per step, with the words they formed in;
/// - the merged pair's own count is left as it was (Hugging Face never lowers it), which matters
///   only when a later merge re-creates the same token and the pair forms again.
///
/// Words are stored as token ids back to back in one array, each rewritten in place when merged.
struct BPETrainerRun {
    private(set) var vocabulary: BPETrainerVocabulary
    private let vocabSize: Int
    private let minFrequency: Int64

    // Words: word `w` is `symbols[wordStart[w] ..< wordStart[w] + wordLength[w]]`.
    private var symbols: [UInt32] = []
    private var wordStart: [Int] = []
    private var wordLength: [Int32] = []
    private var wordCount: [Int64] = []

    // Pairs, by dense index.
    private var pairIndex = BPETrainerPairIndex()
    private var pairCounts: [Int64] = []
    /// Word lists of queued candidates, by `BPETrainerCandidate.positions`; emptied once merged.
    private var positionLists: [[Int32]] = []
    private var queue = BPETrainerQueue([])

    // Pairs that gained occurrences in the current step, with the words they gained them in.
    private var pendingListOfPair: [Int32] = []
    private var pendingPairs: [Int32] = []
    private var pendingWords: [[Int32]] = []

    init(words: WordCounts, vocabulary: BPETrainerVocabulary, options: BPETrainer.Options) {
        self.vocabulary = vocabulary
        vocabSize = options.vocabSize
        minFrequency = Int64(options.minFrequency)
        loadWords(words)
        countPairs()
    }

    private mutating func loadWords(_ words: WordCounts) {
        let byteIDs = vocabulary.byteIDs.map { $0 ?? UInt32.max }
        symbols.reserveCapacity(words.bytes.count)
        wordStart.reserveCapacity(words.distinctWords)
        wordLength.reserveCapacity(words.distinctWords)
        wordCount.reserveCapacity(words.distinctWords)
        for index in 0..<words.distinctWords {
            wordStart.append(symbols.count)
            // Every byte that occurs is in the alphabet, so no byte is dropped here.
            for byte in words.word(index) { symbols.append(byteIDs[Int(byte)]) }
            wordLength.append(Int32(symbols.count - wordStart[index]))
            wordCount.append(Int64(words.counts[index]))
        }
    }

    /// Counts every pair (overlapping windows, times the word's count) and queues one candidate
    /// per pair with all the words it occurs in.
    private mutating func countPairs() {
        for word in 0..<wordStart.count {
            let start = wordStart[word]
            let end = start + Int(wordLength[word])
            guard end - start >= 2 else { continue }
            for position in start..<(end - 1) {
                let (index, isNew) = pairIndex.index(of: symbols[position], symbols[position + 1])
                if isNew {
                    pairCounts.append(0)
                    positionLists.append([])
                    pendingListOfPair.append(-1)
                }
                pairCounts[Int(index)] += wordCount[word]
                if positionLists[Int(index)].last != Int32(word) { positionLists[Int(index)].append(Int32(word)) }
            }
        }
        var candidates: [BPETrainerCandidate] = []
        candidates.reserveCapacity(pairCounts.count)
        for index in 0..<pairCounts.count where pairCounts[index] > 0 {
            candidates.append(BPETrainerCandidate(count: pairCounts[index], pair: pairIndex.key(Int32(index)),
                                                  pairIndex: Int32(index), positions: Int32(index)))
        }
        queue = BPETrainerQueue(candidates)
    }

    /// Merges until a stop condition holds; returns every merge done, in order.
    mutating func mergeAll(progress: ((TrainingProgress) -> Void)?) -> [(left: UInt32, right: UInt32)] {
        var merges: [(left: UInt32, right: UInt32)] = []
        let started = DispatchTime.now().uptimeNanoseconds
        var lastReport = started
        func report(finished: Bool) {
            let now = DispatchTime.now().uptimeNanoseconds
            lastReport = now
            progress?(TrainingProgress(merges: merges.count, vocabulary: vocabulary.count, targetVocabulary: vocabSize,
                                       seconds: Double(now - started) / 1e9, finished: finished))
        }
        while vocabulary.count < vocabSize, var top = queue.pop() {
            let current = pairCounts[Int(top.pairIndex)]
            if top.count != current {
                top.count = current
                queue.push(top)
                continue
            }
            if top.count < 1 || minFrequency > top.count { break }
            let left = UInt32(truncatingIfNeeded: top.pair >> 32)
            let right = UInt32(truncatingIfNeeded: top.pair)
            let merged = vocabulary.idForMerge(left, right)
            merges.append((left, right))
            let words = positionLists[Int(top.positions)]
            positionLists[Int(top.positions)] = []
            for word in words { merge(word: Int(word), left, right, into: merged) }
            queuePendingPairs()
            if progress != nil, merges.count & 63 == 0, DispatchTime.now().uptimeNanoseconds - lastReport > 100_000_000 {
                report(finished: false)
            }
        }
        report(finished: true)
        return merges
    }

    /// Replaces each non-overlapping occurrence of (left, right) in the word, left to right, and
    /// moves the neighbouring pairs' counts as Hugging Face's `Word::merge` reports them.
    private mutating func merge(word: Int, _ left: UInt32, _ right: UInt32, into merged: UInt32) {
        let start = wordStart[word]
        let length = Int(wordLength[word])
        let count = wordCount[word]
        var read = 0
        var write = 0
        while read < length {
            let symbol = symbols[start + read]
            if symbol == left && read + 1 < length && symbols[start + read + 1] == right {
                if write > 0 {
                    let previous = symbols[start + write - 1]
                    change(previous, left, by: -count, word: word)
                    change(previous, merged, by: count, word: word)
                }
                symbols[start + write] = merged
                if read + 2 < length {
                    let next = symbols[start + read + 2]
                    change(right, next, by: -count, word: word)
                    change(merged, next, by: count, word: word)
                }
                read += 2
            } else {
                symbols[start + write] = symbol
                read += 1
            }
            write += 1
        }
        wordLength[word] = Int32(write)
    }

    private mutating func change(_ left: UInt32, _ right: UInt32, by delta: Int64, word: Int) {
        let (index, isNew) = pairIndex.index(of: left, right)
        if isNew {
            pairCounts.append(0)
            pendingListOfPair.append(-1)
        }
        pairCounts[Int(index)] += delta
        guard delta > 0 else { return }
        let list = pendingListOfPair[Int(index)]
        if list < 0 {
            pendingListOfPair[Int(index)] = Int32(pendingWords.count)
            pendingPairs.append(index)
            pendingWords.append([Int32(word)])
        } else if pendingWords[Int(list)].last != Int32(word) {
            pendingWords[Int(list)].append(Int32(word))
        }
    }

    /// Queues the pairs that gained occurrences in this step (those with a positive count).
    private mutating func queuePendingPairs() {
        for (list, index) in pendingPairs.enumerated() {
            pendingListOfPair[Int(index)] = -1
            let count = pairCounts[Int(index)]
            guard count > 0 else { continue }
            queue.push(BPETrainerCandidate(count: count, pair: pairIndex.key(index), pairIndex: index,
                                           positions: Int32(positionLists.count)))
            positionLists.append(pendingWords[list])
        }
        pendingPairs.removeAll(keepingCapacity: true)
        pendingWords.removeAll(keepingCapacity: true)
    }
}
