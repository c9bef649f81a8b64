import CorpusIO
import Foundation
import Stages
import Testing
@testable import Curation

/// Planted overlaps between training documents and evaluation sets: what matches, what is dropped or
/// cut, and what the stage writes.
@Suite struct DecontaminationTests {
    static let item = "The quick brown fox jumps over the lazy dog while the farmer sleeps under an old oak tree today"
    static let thirteen = "fox jumps over the lazy dog while the farmer sleeps under an old"

    func index(_ items: [String], set: String = "eval", n: Int = 13) -> EvaluationNGramIndex {
        EvaluationNGramIndex(sets: [(name: set, items: items)], ngramSize: n)
    }

    func unzstd(_ path: String) throws -> [UInt8] {
        try FileInput.readAll(path: path).withUnsafeBytes { try ZstdDecompressor.decompress($0) }
    }

    func document(_ text: String, id: String = "d", metadata: [String: JSONValue] = [:]) -> Document {
        Document(id: id, text: text, source: "s", added: "2026-01-01T00:00:00Z", metadata: metadata)
    }

    @Test func wordsAreLowercasedAndSplitOnEverythingButLettersAndDigits() {
        let text = "Hello, WORLD! Ünïcode-42 x≤1"
        let words = DecontaminationWords.words(in: text)
        let bytes = Array(text.utf8)
        #expect(words.map { String(decoding: bytes[$0.bytes], as: UTF8.self) }
                == ["Hello", "WORLD", "Ünïcode", "-", "42", "x", "≤", "1"])
        #expect(words[0].hash == DecontaminationWords.words(in: "hello")[0].hash)
        #expect(words[2].hash == DecontaminationWords.words(in: "ünïcode")[0].hash)
    }

    @Test func aThirteenWordOverlapInsideOtherTextMatchesATwelveWordOneDoesNot() throws {
        let decontaminator = Decontaminator(index: index([Self.item]))
        let planted = "Some unrelated opening words. " + Self.thirteen + " and then something else entirely."
        let finding = try #require(decontaminator.check(planted))
        #expect(finding.sets == ["eval"])
        #expect(finding.ngram == Self.thirteen)
        let span = try #require(finding.spans.first)
        #expect(String(decoding: Array(planted.utf8)[span], as: UTF8.self) == Self.thirteen)
        let twelve = "Some opening words. fox jumps over the lazy dog while the farmer sleeps under an. The end."
        #expect(decontaminator.check(twelve) == nil)
    }

    @Test func caseAndPunctuationDoNotHideAnOverlap() {
        let decontaminator = Decontaminator(index: index([Self.item]))
        #expect(decontaminator.check("FOX... jumps, over THE lazy dog; while the farmer (sleeps) under an OLD") != nil)
    }

    @Test func aShortItemMatchesOnlyWholeAndOperatorsCount() throws {
        let decontaminator = Decontaminator(index: index(["What is 47 + 38?"]))
        #expect(decontaminator.check("quiz: what is 47 plus 38 maybe") == nil)
        #expect(decontaminator.check("what is 47 + 3") == nil)
        // Another operator is another problem.
        #expect(decontaminator.check("What is 47 - 38?") == nil)
        let finding = try #require(decontaminator.check("Question one. What is 47+38? Think."))
        #expect(finding.ngram == "What is 47 + 38")
        // Items of fewer than four words would match unrelated text: left out, and counted.
        let tiny = index(["52 54", "Yes.", "What is 47 + 38?"])
        #expect(tiny.tooShort == 2)
        #expect(Decontaminator(index: tiny).check("uuid fields 52 54 yes") == nil)
    }

    @Test func dropRemovesCutRemovesExactlyTheSpan() throws {
        let text = "Before. " + Self.thirteen + " After."
        let dropper = Decontaminator(index: index([Self.item]), mode: .drop)
        guard case .drop = dropper.apply(to: document(text)) else { Issue.record("not dropped"); return }
        let cutter = Decontaminator(index: index([Self.item]), mode: .cut)
        guard case .cut(let cut, let finding) = cutter.apply(to: document(text)) else { Issue.record("not cut"); return }
        #expect(cut.text == "Before.  After.")
        #expect(finding.spans.count == 1)
        // Nothing but the overlap: nothing left to keep.
        guard case .drop = cutter.apply(to: document(Self.thirteen)) else { Issue.record("kept an empty text"); return }
        #expect(cutter.apply(to: document("nothing in common here")) == .keep)
    }

    @Test func overlappingGramsMergeIntoOneSpan() throws {
        let cutter = Decontaminator(index: index([Self.item]), mode: .cut)
        let text = "x " + Self.item + " y"
        guard case .cut(let cut, let finding) = cutter.apply(to: document(text)) else { Issue.record("not cut"); return }
        #expect(finding.spans.count == 1)
        #expect(cut.text == "x  y")
    }

    @Test func chatRecordsAreDroppedNeverCut() {
        let cutter = Decontaminator(index: index([Self.item]), mode: .cut)
        let chat = document("Tell me. " + Self.thirteen, metadata: ["messages": .array([])])
        guard case .drop = cutter.apply(to: chat) else { Issue.record("a chat record was not dropped"); return }
    }

    @Test func everySetAGramBelongsToIsNamed() throws {
        let index = EvaluationNGramIndex(sets: [(name: "a", items: [Self.item]), (name: "b", items: [Self.item, "a short one here"])])
        let finding = try #require(Decontaminator(index: index).check(Self.thirteen + " and a short one here"))
        #expect(finding.sets == ["a", "b"])
    }

    @Test func theStageWritesKeptRemovedAndCountsAndRerunsToTheSameBytes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-decon-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let documents = [document("clean text about rivers", id: "1"), document("pre " + Self.thirteen + " post", id: "2"),
                         document("What is 47 + 38?", id: "3", metadata: ["messages": .array([])])]
        let input = root + "/filter/output/s/" + StageLayout.taskName(0) + ".jsonl.zst"
        try FileSystem.createDirectory(FileSystem.parent(of: input))
        let writer = try ZstdFileWriter(path: input)
        for document in documents {
            var line: [UInt8] = []
            document.jsonLine(into: &line)
            try writer.write(line)
        }
        try writer.commit()
        let index = EvaluationNGramIndex(sets: [(name: "prose", items: [Self.item]), (name: "sums", items: ["What is 47 + 38?"])])
        let stage = DecontaminateStage(root: root, input: "filter/output", sources: ["s"], tasks: 1,
                                       decontaminator: Decontaminator(index: index, mode: .cut))
        let stats = try stage.run(task: 0, log: TaskLog(task: 0), progress: ProgressCounters())
        let counts = try #require(stats.sources["s"])
        #expect(counts.documents == 2)
        #expect(counts.skipped == ["cut/prose": 1, "contaminated/sums": 1])
        let kept = try unzstd(stage.outputPath(source: "s", task: 0))
        let lines = String(decoding: kept, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2 && lines[1].contains("\"text\":\"pre  post\""))
        let removed = String(decoding: try unzstd(stage.removedPath(source: "s", task: 0)), as: UTF8.self)
        #expect(removed.contains(#""id":"2","source":"s","action":"cut","evaluation_sets":["prose"]"#))
        #expect(removed.contains(#""id":"3","source":"s","action":"drop","evaluation_sets":["sums"],"ngram":"What is 47 + 38","cut_bytes":0"#))
        _ = try stage.run(task: 0, log: TaskLog(task: 0), progress: ProgressCounters())
        #expect(try unzstd(stage.outputPath(source: "s", task: 0)) == kept)
    }
}
