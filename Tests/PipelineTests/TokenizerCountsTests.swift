import CorpusIO
import Foundation
import Stages
import Testing
import Tokenization
@testable import Pipeline

/// Word counting in bounded memory: split over tasks, each sorting its table out to disk many times,
/// then merged. With no cutoff the merges equal counting everything in one table; with one, exactly
/// the words under it are cut, and counted.
@Suite("Tokenizer counts in bounded memory")
struct TokenizerCountsTests {
    /// Text files with many distinct words (so the small tables fill) and frequent ones (so merges exist).
    static func corpus(in root: String) throws -> [TokenizerInputFile] {
        var state: UInt64 = 5
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        let common = ["the", "river", "and", "of", "mill", "stone", "bridge", "green", "field", "town"]
        var files: [TokenizerInputFile] = []
        for index in 0..<7 {
            var text = ""
            for _ in 0..<3000 {
                if next(3) == 0 {
                    text += String((0..<(3 + next(6))).map { _ in Character(Unicode.Scalar(UInt8(97 + next(26)))) })
                } else {
                    text += common[next(common.count)]
                }
                text += next(12) == 0 ? ".\n" : " "
            }
            let path = "\(root)/text\(index).txt"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            files.append(TokenizerInputFile(path: path, fraction: index == 3 ? 0.5 : 1, source: "s"))
        }
        return files
    }

    static func counted(_ files: [TokenizerInputFile], root: String, tasks: Int, buffer: Int,
                        minWordCount: Int) throws -> (words: WordCounts, summary: TokenizerCounts.Summary, log: String) {
        let stage = TokenizerCounts.CountStage(root: root, files: files, taskCount: tasks, preset: .qwen2, bufferBytes: buffer,
                                               threads: 1)
        let summary = try LocalExecutor.run(stage, root: root, workers: 2)
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        let log = (0..<tasks).map { String(decoding: (try? FileInput.readAll(path: StageLayout(root: root, stage: stage.name).logPath($0))) ?? [], as: UTF8.self) }
        let merged = try TokenizerCounts.merge(root: root, tasks: tasks, minWordCount: minWordCount)
        return (merged.words, merged.summary, log.joined())
    }

    @Test("counted in tasks with small tables: the merges of counting in one table; a cutoff cuts exactly the rare words")
    func sameMerges() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-counts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = try Self.corpus(in: root)
        let counter = WordCounter(preset: .qwen2, workers: 2)
        _ = try TokenizerCorpus.count(files, into: counter)
        let whole = counter.finish()
        let options = BPETrainer.Options(vocabSize: 400, minFrequency: 2, preset: .qwen2, fullByteAlphabet: true)
        let expected = try BPETrainer(options: options).train(whole)

        let split = try Self.counted(files, root: root + "/a", tasks: 3, buffer: 64 << 10, minWordCount: 1)
        #expect(split.log.contains("tables sorted out") && !split.log.contains(" 1 tables sorted out"), "\(split.log)")
        #expect(split.summary.distinctWords == whole.distinctWords && split.summary.cutWords == 0)
        #expect(split.words.totalWords == whole.totalWords)
        let model = try BPETrainer(options: options).train(split.words)
        #expect(model.merges.map { "\($0)" } == expected.merges.map { "\($0)" })
        #expect(model.vocabSize == expected.vocabSize)

        // A cutoff of 3: the words seen once or twice are gone, and counted.
        let cut = try Self.counted(files, root: root + "/b", tasks: 2, buffer: 64 << 10, minWordCount: 3)
        var rare = 0, rareOccurrences = 0
        var kept: [String: Int] = [:]
        for index in 0..<whole.distinctWords {
            if whole.counts[index] < 3 {
                rare += 1
                rareOccurrences += whole.counts[index]
            } else {
                kept[String(decoding: whole.word(index), as: UTF8.self), default: 0] += whole.counts[index]
            }
        }
        #expect(rare > 100 && cut.summary.cutWords == rare && cut.summary.cutOccurrences == rareOccurrences)
        #expect(cut.summary.keptWords == whole.distinctWords - rare)
        let cutModel = try BPETrainer(options: options).train(cut.words)
        let keptModel = try BPETrainer(options: options).train(WordCounts(kept))
        #expect(cutModel.merges.map { "\($0)" } == keptModel.merges.map { "\($0)" })
    }
}
