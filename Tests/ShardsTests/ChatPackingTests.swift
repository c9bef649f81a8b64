import Foundation
import Testing
@testable import Shards

@Suite struct ChatPackingTests {
    let encoder = ByteEncoder()
    let fixtures = repositoryRoot + "/corpora/chat-example"

    func records(_ file: String, source: String) throws -> (documents: [PackDocument], errors: [PackRecordError]) {
        let text = String(decoding: try readFile(fixtures + "/" + file), as: UTF8.self)
        var documents: [PackDocument] = []
        var errors: [PackRecordError] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            switch PackRecordParser.parse(line: Data(line.utf8), defaultSource: source, lineNumber: number + 1) {
            case .success(let document): documents.append(document)
            case .failure(let error): errors.append(error)
            }
        }
        return (documents, errors)
    }

    func options(seqLen: Int) -> PackOptions {
        var options = PackOptions()
        options.seqLen = seqLen
        options.validationFraction = 0
        return options
    }

    /// Decoded runs of consecutive mask-1 tokens.
    func maskedRuns(_ tokens: [Int32], _ mask: [UInt8]) -> [String] {
        var runs: [String] = []
        var current: [Int32] = []
        for (token, bit) in zip(tokens, mask) {
            if bit == 1 { current.append(token) } else if !current.isEmpty { runs.append(encoder.decode(current)); current = [] }
        }
        if !current.isEmpty { runs.append(encoder.decode(current)) }
        return runs
    }

    @Test func unknownRolesAreRefusedWhenRead() throws {
        let (documents, errors) = try records("chat.jsonl", source: "chat")
        #expect(documents.count == 7)
        #expect(errors.count == 1 && errors[0].reason.contains("unknown role 'narrator'"))
    }

    @Test func lossMaskCoversExactlyTheAssistantTurns() throws {
        let (documents, _) = try records("chat.jsonl", source: "chat")
        try withTemporaryDirectory { directory in
            let report = try PhasePacker(mixture: PhaseMixture(name: "sft", kind: .sft, weights: ["chat": 1]),
                                         options: options(seqLen: 255), encoder: encoder, tokenizerHash: "t")
                .pack(documents, into: directory)
            #expect(report.rejectedDocuments == 1)
            #expect(report.rejectedReasons.keys.contains { $0.contains("empty content") })
            let samples = try allSamples(directory + "/train")
            // Several conversations share a sequence.
            #expect(samples.count < 6)
            var runs: [String] = []
            for sample in samples {
                let mask = try #require(sample.lossMask)
                #expect(sample.tokens.count == 256 && mask.count == 256)
                runs += maskedRuns(sample.tokens, mask)
                // Rendering is ChatML: every conversation starts with <|im_start|> at a boundary.
                for start in sample.boundaries! { #expect(sample.tokens[Int(start)] == 257) }
            }
            let expected = ["It compresses data quickly.", "Merge sort.", "Yes.", "Bonjour.", "4.", "debian/copyright.",
                            "Tokens in a row,\ncompressed, hashed and indexed:\nthe trainer reads on."].map { $0 + "<|im_end|>" }
            #expect(runs.sorted() == expected.sorted())
            #expect(report.train.packing.truncatedDocuments == 0)
        }
    }

    @Test func tooLongConversationsAreCutAndCounted() throws {
        let (documents, _) = try records("chat.jsonl", source: "chat")
        try withTemporaryDirectory { directory in
            let report = try PhasePacker(mixture: PhaseMixture(name: "sft", kind: .sft, weights: ["chat": 1]),
                                         options: options(seqLen: 63), encoder: encoder, tokenizerHash: "t")
                .pack(documents, into: directory)
            #expect(report.train.packing.truncatedDocuments >= 2)
            #expect(report.train.packing.truncatedTokens > 0)
            // Each sample holds whole conversations or one cut conversation: never two pieces of one.
            for sample in try allSamples(directory + "/train") {
                let starts = sample.tokens.indices.filter { sample.tokens[$0] == 257 && ($0 == 0 || sample.tokens[$0 - 1] == 256) }
                #expect(starts.map(Int32.init) == sample.boundaries!)
            }
        }
    }

    @Test func preferencePairsCarryBothSidesWithMasks() throws {
        let (documents, errors) = try records("preference.jsonl", source: "prefs")
        #expect(errors.isEmpty && documents.count == 4)
        try withTemporaryDirectory { directory in
            let report = try PhasePacker(mixture: PhaseMixture(name: "pref", kind: .preference, weights: ["prefs": 1]),
                                         options: options(seqLen: 127), encoder: encoder, tokenizerHash: "t")
                .pack(documents, into: directory)
            #expect(report.rejectedDocuments == 1)  // the empty rejected answer
            let reader = try ShardReader(directory: directory + "/train")
            #expect(reader.columns.map(\.name) == ["chosen", "chosen_loss_mask", "rejected", "rejected_loss_mask"])
            var chosen: [String] = [], rejected: [String] = []
            for index in 0..<reader.sampleCount {
                let sample = try reader.sample(at: index).columns
                chosen += maskedRuns(sample["chosen"]!, sample["chosen_loss_mask"]!.map { UInt8($0) })
                rejected += maskedRuns(sample["rejected"]!, sample["rejected_loss_mask"]!.map { UInt8($0) })
                // Both sides share the same prompt prefix.
                let prompt = encoder.decode(sample["chosen"]!)
                #expect(prompt.hasPrefix("<|im_start|>"))
            }
            #expect(chosen.sorted() == ["Paris.", "Run `ls`.", "Yes, 7 is prime."].map { $0 + "<|im_end|>" }.sorted())
            #expect(rejected.sorted() == ["Lyon.", "No.", "You cannot."].map { $0 + "<|im_end|>" }.sorted())
        }
    }

    @Test func textRecordsInAChatPhaseAreSkippedNotPacked() throws {
        try withTemporaryDirectory { directory in
            let documents = textDocuments(source: "chat", count: 3, length: { _ in 50 })
            #expect {
                try PhasePacker(mixture: PhaseMixture(name: "sft", kind: .sft, tokens: 100, weights: ["chat": 1]),
                                options: options(seqLen: 63), encoder: encoder, tokenizerHash: "t").pack(documents, into: directory)
            } throws: { "\($0)".contains("has no tokens") }
        }
    }
}
