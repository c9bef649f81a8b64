import Foundation
import Synchronization

/// Counts the pre-tokenized pieces of documents, the words BPE training learns from, on all cores.
///
/// Documents arrive in batches (`add(_:)`); within a batch the workers pull documents from a shared
/// counter and count into their own table, so no lock is taken per piece. The tables live until
/// `finish()` merges them, so memory grows with the distinct words (times the worker count), never
/// with the amount of text.
///
/// Special tokens that occur literally in the text are ordinary text here, split by the pattern
/// like any other characters: Hugging Face's trainer does the same (it pre-tokenizes the raw text
/// without extracting added tokens), and matching it keeps the merges identical.
public final class WordCounter {
    public let preTokenizer: PreTokenizer
    public let workers: Int
    /// Documents and UTF-8 bytes counted so far.
    public private(set) var documents = 0
    public private(set) var bytes = 0

    private let tables: WorkerTables

    public init(preset: SplitPreset, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        preTokenizer = PreTokenizer(preset: preset)
        self.workers = max(1, workers)
        tables = WorkerTables(count: self.workers)
    }

    /// Counts the pieces of every document in `batch`.
    public func add(_ batch: [String]) {
        guard !batch.isEmpty else { return }
        let next = Atomic<Int>(0)
        let preTokenizer = self.preTokenizer
        let tables = self.tables
        // Small blocks keep the workers balanced when document sizes vary a lot.
        let block = max(1, min(64, batch.count / (workers * 8)))
        DispatchQueue.concurrentPerform(iterations: min(workers, batch.count)) { worker in
            let table = tables.table(worker)
            while true {
                let start = next.add(block, ordering: .relaxed).oldValue
                guard start < batch.count else { return }
                for index in start..<min(start + block, batch.count) {
                    var text = batch[index]
                    text.withUTF8 { utf8 in
                        preTokenizer.split(utf8) { range in
                            table.pointee.add(UnsafeBufferPointer(rebasing: utf8[range]))
                        }
                    }
                }
            }
        }
        documents += batch.count
        bytes += batch.reduce(0) { $0 + $1.utf8.count }
    }

    /// Counts the pieces of one document on the calling thread.
    public func add(_ text: String) {
        var text = text
        let table = tables.table(0)
        text.withUTF8 { utf8 in
            preTokenizer.split(utf8) { range in table.pointee.add(UnsafeBufferPointer(rebasing: utf8[range])) }
            bytes += utf8.count
        }
        documents += 1
    }

    /// Distinct words counted so far (summed over the workers' tables, so an upper bound).
    public var distinctWordsUpperBound: Int {
        (0..<workers).reduce(0) { $0 + tables.table($1).pointee.distinctWords }
    }

    /// All words counted so far, the workers' tables merged.
    public func finish() -> WordCounts {
        var merged = tables.table(0).pointee
        for worker in 1..<workers {
            let table = tables.table(worker).pointee
            if table.distinctWords > merged.distinctWords {
                var larger = table
                larger.merge(merged)
                merged = larger
            } else {
                merged.merge(table)
            }
        }
        return merged.wordCounts()
    }
}

/// One word table per worker thread.
// @unchecked Sendable: worker `i` of a batch is the only thread that touches table `i` while the
// batch runs, and the owning `WordCounter` reads the tables only between batches.
private final class WorkerTables: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<WordCountTable>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: WordCountTable(capacity: 1 << 14), count: count)
    }

    func table(_ index: Int) -> UnsafeMutablePointer<WordCountTable> { storage + index }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
}
