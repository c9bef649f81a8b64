import CorpusIO
import Curation
import Foundation
import Stages
import Tokenization

/// The tokenizer's word counts in memory that does not grow with the corpus: the training files are
/// split over `tokenizer.count_tasks` tasks; each counts its share and, whenever its table passes
/// `tokenizer.count_buffer`, sorts the table out to disk (`ExternalSorter`), then writes one file of
/// its words in byte order with their counts (`<root>/tokenizer-counts/<task>.counts`). The training
/// task merges the tasks' files in one sorted pass, adding equal words, and keeps the words seen at
/// least `tokenizer.min_word_count` times: with 1 (the default) nothing is cut and the merges are those
/// of counting everything in one table; a higher cutoff bounds the table the trainer holds, and what it
/// cut is recorded (`summary.json`).
public enum TokenizerCounts {
    public static let stageName = "tokenizer-counts"

    public static func folder(root: String) -> String { root + "/" + stageName }
    static func path(root: String, task: Int) -> String { folder(root: root) + "/" + StageLayout.taskName(task) + ".counts" }
    static func summaryPath(root: String) -> String { folder(root: root) + "/summary.json" }

    /// One counting task: every `tasks`-th training file from `task` on.
    struct CountStage: TaskStage {
        let name = TokenizerCounts.stageName
        let root: String
        let files: [TokenizerInputFile]
        let taskCount: Int
        let preset: SplitPreset
        let bufferBytes: Int
        let threads: Int

        func run(task: Int, log: TaskLog, progress: ProgressCounters) throws -> TaskStats {
            let mine = files.enumerated().filter { $0.offset % taskCount == task }.map(\.element)
            let scratch = TokenizerCounts.folder(root: root) + "/scratch-\(StageLayout.taskName(task))"
            if FileManager.default.fileExists(atPath: scratch) { try FileManager.default.removeItem(atPath: scratch) }
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let sorter = try ExternalSorter(folder: scratch, bufferBytes: max(64 << 10, bufferBytes / 2))
            var counter = WordCounter(preset: preset, workers: threads)
            var dumps = 0
            /// The table's words go to the sorter, and counting starts a fresh table.
            func dump() throws {
                let words = counter.finish()
                for index in 0..<words.distinctWords {
                    try Array(words.word(index)).withUnsafeBytes { word in
                        try ExternalSorter.key(UInt64(words.counts[index])).withUnsafeBytes { try sorter.append(key: word, payload: $0) }
                    }
                }
                counter = WordCounter(preset: preset, workers: threads)
                dumps += 1
            }
            // A table entry costs its bytes plus about 40 bytes of slots and bookkeeping.
            let tableLimit = max(64 << 10, bufferBytes / 2)
            let totals = try TokenizerCorpus.count(mine, into: { batch in
                counter.add(batch)
                if counter.distinctWordsUpperBound * 48 > tableLimit { try dump() }
            }, batchBytes: min(16 << 20, max(16 << 10, bufferBytes / 8)), progress: progress)
            try dump()
            let output = try SortedRunWriter(path: TokenizerCounts.path(root: root, task: task))
            var previous: [UInt8]?
            var sum: UInt64 = 0
            var distinct = 0
            func emit() throws {
                guard let previous else { return }
                try previous.withUnsafeBytes { word in
                    try ExternalSorter.key(sum).withUnsafeBytes { try output.write(key: word, payload: $0) }
                }
                distinct += 1
            }
            try sorter.finish { word, count in
                if let last = previous, word.elementsEqual(last) {
                    sum += ExternalSorter.word(count, 0)
                    return
                }
                try emit()
                previous = Array(word)
                sum = ExternalSorter.word(count, 0)
            }
            try emit()
            try output.commit()
            log("counted \(totals.documents) documents, \(totals.bytes) bytes: \(distinct) distinct words "
                + "(\(dumps) tables sorted out, \(sorter.runsWritten) runs spilled to disk)")
            var stats = TaskStats(stage: name, task: task, tasks: taskCount)
            for (source, count) in totals.bySource {
                var counts = SourceStats()
                counts.documents = count.documents
                counts.textBytes = count.bytes
                stats.sources[source] = counts
            }
            return stats
        }
    }

    /// What the merge kept and cut (`tokenizer-counts/summary.json`).
    public struct Summary: Codable, Sendable, Equatable {
        public var tasks: Int
        public var minWordCount: Int
        public var distinctWords: Int
        public var keptWords: Int
        public var cutWords: Int
        /// Occurrences of the cut words together.
        public var cutOccurrences: Int

        enum CodingKeys: String, CodingKey {
            case tasks, minWordCount = "min_word_count", distinctWords = "distinct_words", keptWords = "kept_words"
            case cutWords = "cut_words", cutOccurrences = "cut_occurrences"
        }
    }

    /// The tasks' counts merged, words seen fewer than `minWordCount` times left out.
    static func merge(root: String, tasks: Int, minWordCount: Int) throws -> (words: WordCounts, summary: Summary) {
        let paths = (0..<tasks).map { path(root: root, task: $0) }
        for path in paths where !FileSystem.exists(path) {
            throw ExecutorError(message: "\(path) is missing: the tokenizer's counting tasks are not all done")
        }
        var table = WordCountTable()
        var summary = Summary(tasks: tasks, minWordCount: minWordCount, distinctWords: 0, keptWords: 0, cutWords: 0,
                              cutOccurrences: 0)
        var previous: [UInt8]?
        var sum = 0
        func close() {
            guard let previous else { return }
            summary.distinctWords += 1
            if sum >= minWordCount {
                table.add(previous, count: sum)
                summary.keptWords += 1
            } else {
                summary.cutWords += 1
                summary.cutOccurrences += sum
            }
        }
        try ExternalSorter.merge(paths) { word, count in
            if let last = previous, word.elementsEqual(last) {
                sum += Int(ExternalSorter.word(count, 0))
                return
            }
            close()
            previous = Array(word)
            sum = Int(ExternalSorter.word(count, 0))
        }
        close()
        return (table.wordCounts(), summary)
    }
}
