import CorpusIO
import Foundation
import PLMInference
import Shards
import Stages

/// One held-out item of an evaluation set: a user prompt and its exact answer.
public struct EvaluationItem: Sendable, Equatable, Codable {
    public var id: String
    public var prompt: String
    public var answer: String
}

/// A phase's exact-match score on one evaluation set, with a 95% Wilson interval (the number of items
/// decides whether a difference between phases is more than noise), and the first few replies.
public struct TaskScore: Codable, Sendable, Equatable {
    public var correct: Int
    public var total: Int
    public var accuracy: Double
    public var low: Double
    public var high: Double
    /// Items left out because the prompt and a reply do not fit in the model's context.
    public var tooLong: Int
    public var examples: [TaskExample]
    /// Per item asked, in order: `1` right, `0` wrong, `-` too long. Two checkpoints scored on the same
    /// items compare item by item (`PairedDifference`), which tells a few points apart where their two
    /// intervals overlap. Absent in files written before it was kept.
    public var outcomes: String?

    enum CodingKeys: String, CodingKey {
        case correct, total, accuracy, low, high, examples, outcomes, tooLong = "too_long"
    }

    public init(correct: Int, total: Int, tooLong: Int = 0, examples: [TaskExample] = [], outcomes: String? = nil) {
        self.correct = correct
        self.total = total
        self.tooLong = tooLong
        accuracy = total > 0 ? Double(correct) / Double(total) : 0
        (low, high) = Self.wilson(correct: correct, total: total)
        self.examples = examples
        self.outcomes = outcomes
    }

    /// Wilson's score interval at 95% (z = 1.96): unlike the normal approximation it stays inside
    /// [0, 1] and is honest near 0% and 100%, where small models' scores sit.
    public static func wilson(correct: Int, total: Int, z: Double = 1.959964) -> (Double, Double) {
        guard total > 0 else { return (0, 1) }
        let n = Double(total), p = Double(correct) / n, z2 = z * z
        let center = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
        // At 0 or all correct the bound is exact; the formula only reaches it up to rounding.
        return (correct == 0 ? 0 : max(0, center - half), correct == total ? 1 : min(1, center + half))
    }
}

public struct TaskExample: Codable, Sendable, Equatable {
    public var prompt: String
    public var reply: String
    public var answer: String
    public var correct: Bool
}

/// Reads evaluation sets and scores a model on them.
public enum TaskEvaluation {
    /// The records of `evaluation`'s file (its generated file under the run, or its own JSONL), one JSON
    /// object per non-blank line; a line that is not one is an error naming the file and line.
    public static func records(of evaluation: ManifestEvaluation, layout: RunLayout) throws -> [[String: JSONValue]] {
        let path = evaluation.path ?? layout.generatedEvaluation(name: evaluation.name)
        guard FileSystem.exists(path) else {
            throw ExecutorError(message: "evaluation set '\(evaluation.name)': \(path) does not exist"
                + (evaluation.generated != nil ? " (run `plm make-sft` first)" : ""))
        }
        return try records(path: path)
    }

    /// The records of an evaluation file: one JSON object per non-blank line; a line that is not one is
    /// an error naming the file and line.
    public static func records(path: String) throws -> [[String: JSONValue]] {
        var records: [[String: JSONValue]] = []
        var lineNumber = 0
        for line in try FileInput.readAll(path: path).split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) else { continue }
            guard case .object(let record)? = try? JSONDecoder().decode(JSONValue.self, from: Data(line)) else {
                throw ExecutorError(message: "\(path):\(lineNumber): not a JSON object")
            }
            records.append(record)
        }
        return records
    }

    /// The scored items of `evaluation`. Records without both `prompt` and `answer` (text kept only for
    /// decontamination) are left out.
    public static func items(of evaluation: ManifestEvaluation, layout: RunLayout) throws -> [EvaluationItem] {
        items(of: try records(of: evaluation, layout: layout), name: evaluation.name)
    }

    /// The scored items of an evaluation file (records without both `prompt` and `answer` are left out).
    public static func items(path: String) throws -> [EvaluationItem] {
        items(of: try records(path: path), name: (path as NSString).lastPathComponent)
    }

    static func items(of records: [[String: JSONValue]], name: String) -> [EvaluationItem] {
        records.enumerated().compactMap { index, record in
            guard let prompt = record["prompt"]?.stringValue, let answer = record["answer"]?.stringValue else { return nil }
            return EvaluationItem(id: record["id"]?.stringValue ?? "\(name)#\(index)", prompt: prompt, answer: answer)
        }
    }

    /// Greedy replies to the first `maxItems` items (all when nil), scored by the set's rule.
    public static func score(_ items: [EvaluationItem], replier: ChatReplier, scorer: ManifestEvaluation.ScorerKind,
                             maxItems: Int?, maxTokens: Int, keepExamples: Int = 5) throws -> TaskScore {
        let chosen = maxItems.map { Array(items.prefix($0)) } ?? items
        var correct = 0, tooLong = 0
        var examples: [TaskExample] = []
        var outcomes = ""
        for item in chosen {
            let messages = [ChatMessage(role: .user, content: item.prompt)]
            guard replier.fits(messages, maxTokens: maxTokens) else {
                tooLong += 1
                outcomes.append("-")
                continue
            }
            let reply = try replier.reply(to: messages, sampling: .greedy, maxTokens: maxTokens)
            let right = scorer.score(response: reply, answer: item.answer) >= 1
            outcomes.append(right ? "1" : "0")
            if right { correct += 1 }
            if examples.count < keepExamples {
                examples.append(TaskExample(prompt: item.prompt, reply: reply, answer: item.answer, correct: right))
            }
        }
        return TaskScore(correct: correct, total: chosen.count - tooLong, tooLong: tooLong, examples: examples,
                         outcomes: outcomes)
    }
}
