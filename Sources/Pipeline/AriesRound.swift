import CorpusIO
import Curation
import Foundation
import PLMInference
import Shards
import Stages

/// A prompt of a verifiable task, from the curated chat records of a preference phase's `prompts`
/// source: the first user message and the record's exact `answer`.
public struct AlignPrompt: Codable, Sendable, Equatable {
    public var id: String
    public var prompt: String
    public var answer: String
}

/// One sampled answer, its score, and (with refinement) the model's second try and its score.
public struct AriesAnswer: Codable, Sendable, Equatable {
    public var text: String
    public var score: Double
    public var refined: String?
    public var refinedScore: Double?

    enum CodingKeys: String, CodingKey { case text, score, refined, refinedScore = "refined_score" }
}

/// Everything a round did with one prompt, as kept in `answers.jsonl` for inspection.
public struct AriesRecord: Codable, Sendable, Equatable {
    public var id: String
    public var prompt: String
    public var answer: String
    public var answers: [AriesAnswer]
    /// The pair made from them, when the best answer beat the worst.
    public var chosen: String?
    public var rejected: String?
}

/// Counts of one round's sampling, for its summary line and the report.
public struct AriesRoundSummary: Codable, Sendable, Equatable {
    public var round: Int
    public var prompts: Int
    public var answers: Int
    /// Share of first answers that scored 1, and of refined answers.
    public var sampledAccuracy: Double
    public var refinedAccuracy: Double?
    public var pairs: Int
    /// Prompts left out: with a reply (and a refinement turn) they do not fit in the context.
    public var tooLong: Int = 0
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case round, prompts, answers, pairs, seconds, tooLong = "too_long"
        case sampledAccuracy = "sampled_accuracy", refinedAccuracy = "refined_accuracy"
    }
}

/// The sampling half of an ARIES round (Self-Refinement + selection): answers sampled from the current
/// model, each refined by the model when asked to check its work, every answer scored by the task's
/// rule, and one preference pair per prompt: the best answer (a refined one wins a tie, since teaching the
/// model to answer as it does after refining is the point) against the worst (an unrefined one loses a
/// tie). A prompt whose answers all score the same gives no pair: it carries no preference.
public enum AriesRound {
    /// The prompts of `source` among the run's curated documents (records without a user message or an
    /// `answer` are skipped), in document order.
    public static func prompts(source: String, documentsFolder: String) throws -> [AlignPrompt] {
        struct Record: Decodable {
            var id: String
            var metadata: [String: JSONValue]?
        }
        let folder = documentsFolder + "/" + source
        let files = FileSystem.list(folder).filter { $0.hasSuffix(".jsonl.zst") }.sorted()
        guard !files.isEmpty else {
            throw ExecutorError(message: "\(folder) holds no documents: the preference phase's prompts source '\(source)' "
                + "has nothing left after curation")
        }
        var prompts: [AlignPrompt] = []
        for file in files {
            try DocumentReader<Record>(path: folder + "/" + file).forEach({ record, _ in
                guard let metadata = record.metadata, case .array(let messages)? = metadata["messages"],
                      let answer = metadata["answer"]?.stringValue,
                      let user = messages.lazy.compactMap({ message -> String? in
                          guard case .object(let fields) = message, fields["role"]?.stringValue == "user" else { return nil }
                          return fields["content"]?.stringValue
                      }).first else { return }
                // Refinement records teach the second turn; their question is already among the plain ones.
                guard !user.contains(Refinement.attemptMarker) else { return }
                prompts.append(AlignPrompt(id: record.id, prompt: user, answer: answer))
            }, onBadLine: { _ in })
        }
        return prompts
    }

    /// `count` prompts for round `round`: a seeded shuffle of all of them, a different window each round
    /// (wrapping around when the rounds need more prompts than there are).
    public static func choose(_ prompts: [AlignPrompt], count: Int, round: Int, seed: UInt64) -> [AlignPrompt] {
        guard !prompts.isEmpty else { return [] }
        var order = Array(prompts.indices)
        var random = SeededRandom(seed: seed ^ 0x4152_4945_5300)   // "ARIES"
        order.shuffle(using: &random)
        return (0..<min(count, prompts.count)).map { prompts[order[(round * count + $0) % order.count]] }
    }

    /// Samples, refines and scores every prompt's answers with `replier` (the model as it is now).
    public static func sample(_ prompts: [AlignPrompt], replier: ChatReplier, settings: AlignSettings,
                              scorer: ManifestEvaluation.ScorerKind, round: Int) throws -> [AriesRecord] {
        var records: [AriesRecord] = []
        records.reserveCapacity(prompts.count)
        for (index, item) in prompts.enumerated() {
            // The refinement turn holds the prompt, an answer and the request: it must fit with its reply.
            let longest = [ChatMessage(role: .user, content: Refinement.prompt(question: item.prompt, attempt: "x",
                                                                               request: settings.refinePrompt))]
            guard replier.fits([ChatMessage(role: .user, content: item.prompt)], maxTokens: settings.maxTokens),
                  !settings.refine || replier.fits(longest, maxTokens: 2 * settings.maxTokens) else { continue }
            var answers: [AriesAnswer] = []
            for k in 0..<settings.samples {
                // Every draw has its own seed, so a resumed round samples exactly the same answers.
                let seed = settings.seed &+ UInt64(round) &* 1_000_003 &+ UInt64(index * settings.samples + k) &* 7919
                let sampling = SamplingOptions(temperature: settings.temperature, seed: seed)
                let first = [ChatMessage(role: .user, content: item.prompt)]
                let text = try replier.reply(to: first, sampling: sampling, maxTokens: settings.maxTokens)
                var answer = AriesAnswer(text: text, score: scorer.score(response: text, answer: item.answer))
                if settings.refine {
                    let conversation = [ChatMessage(role: .user, content: Refinement.prompt(
                        question: item.prompt, attempt: text.isEmpty ? "(none)" : text, request: settings.refinePrompt))]
                    let refined = try replier.reply(to: conversation, sampling: SamplingOptions(temperature: settings.temperature,
                                                                                               seed: seed &+ 1),
                                                    maxTokens: settings.maxTokens)
                    answer.refined = refined
                    answer.refinedScore = scorer.score(response: refined, answer: item.answer)
                }
                answers.append(answer)
            }
            var record = AriesRecord(id: item.id, prompt: item.prompt, answer: item.answer, answers: answers)
            if let pair = pair(answers) {
                record.chosen = pair.chosen
                record.rejected = pair.rejected
            }
            records.append(record)
        }
        return records
    }

    /// The best answer against the worst one; nil when no answer beats another or they read the same.
    public static func pair(_ answers: [AriesAnswer]) -> (chosen: String, rejected: String)? {
        var candidates: [(text: String, score: Double, refined: Bool)] = []
        for answer in answers {
            if let refined = answer.refined, let score = answer.refinedScore { candidates.append((refined, score, true)) }
        }
        for answer in answers { candidates.append((answer.text, answer.score, false)) }
        let usable = Array(candidates.filter { !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.enumerated())
        // Best: highest score, then refined, then earliest. Worst: lowest score, then unrefined, then earliest.
        guard let best = usable.min(by: { a, b in
                  (-a.element.score, a.element.refined ? 0 : 1, a.offset) < (-b.element.score, b.element.refined ? 0 : 1, b.offset)
              })?.element,
              let worst = usable.min(by: { a, b in
                  (a.element.score, a.element.refined ? 1 : 0, a.offset) < (b.element.score, b.element.refined ? 1 : 0, b.offset)
              })?.element,
              best.score > worst.score, best.text != worst.text else { return nil }
        return (best.text, worst.text)
    }

    /// What the round's sampling did, for its summary.
    public static func summary(_ records: [AriesRecord], round: Int, asked: Int, seconds: Double) -> AriesRoundSummary {
        let answers = records.flatMap(\.answers)
        let first = answers.isEmpty ? 0 : answers.map(\.score).reduce(0, +) / Double(answers.count)
        let refined = answers.compactMap(\.refinedScore)
        return AriesRoundSummary(round: round, prompts: records.count, answers: answers.count, sampledAccuracy: first,
                                 refinedAccuracy: refined.isEmpty ? nil : refined.reduce(0, +) / Double(refined.count),
                                 pairs: records.filter { $0.chosen != nil }.count, tooLong: asked - records.count,
                                 seconds: seconds)
    }

    /// The round's pairs as preference records for the packer.
    public static func preferenceDocuments(_ records: [AriesRecord], source: String) -> [PackDocument] {
        records.compactMap { record in
            guard let chosen = record.chosen, let rejected = record.rejected else { return nil }
            return PackDocument(id: record.id, source: source, content: .preference(
                prompt: [ChatMessage(role: .user, content: record.prompt)],
                chosen: [ChatMessage(role: .assistant, content: chosen)],
                rejected: [ChatMessage(role: .assistant, content: rejected)]))
        }
    }

    /// One JSON object per line, keys sorted, written to a temporary name and renamed.
    public static func writeLines<Value: Encodable>(_ values: [Value], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for value in values {
            bytes += try encoder.encode(value)
            bytes.append(0x0A)
        }
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try FileSystem.writeAtomically(bytes, to: path)
    }

    public static func readLines<Value: Decodable>(_ type: Value.Type, from path: String) throws -> [Value] {
        let decoder = JSONDecoder()
        return try FileInput.readAll(path: path).split(separator: 0x0A).map { try decoder.decode(Value.self, from: Data($0)) }
    }
}
