import CorpusIO
import Foundation
import PLMInference
import PLMModel
import Shards
import Stages
import Tokenization

/// One prompt's continuation by a phase's final checkpoint.
public struct PhaseGeneration: Codable, Sendable, Equatable {
    public var prompt: String
    public var text: String
    public var tokens: Int
    public var stopReason: String

    enum CodingKeys: String, CodingKey {
        case prompt, text, tokens, stopReason = "stop_reason"
    }
}

/// What `eval/<phase>` writes to `<root>/eval/<phase>/eval.json`: the phase's final checkpoint on the
/// val split of every packed phase, and its continuations of the fixed prompts.
public struct PhaseEvaluation: Codable, Sendable, Equatable {
    public var phase: String
    public var checkpoint: String
    /// Val split (phase name) to the checkpoint's figures on it.
    public var splits: [String: EvaluationResult]
    public var generations: [PhaseGeneration]
    /// Evaluation set (manifest `evaluations:`) to the checkpoint's exact-match score on it.
    public var tasks: [String: TaskScore] = [:]

    enum CodingKeys: String, CodingKey { case phase, checkpoint, splits, generations, tasks }

    public init(phase: String, checkpoint: String, splits: [String: EvaluationResult], generations: [PhaseGeneration],
                tasks: [String: TaskScore] = [:]) {
        self.phase = phase
        self.checkpoint = checkpoint
        self.splits = splits
        self.generations = generations
        self.tasks = tasks
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phase = try container.decode(String.self, forKey: .phase)
        checkpoint = try container.decode(String.self, forKey: .checkpoint)
        splits = try container.decode([String: EvaluationResult].self, forKey: .splits)
        generations = try container.decode([PhaseGeneration].self, forKey: .generations)
        // Written by an older plm: no task scores.
        tasks = try container.decodeIfPresent([String: TaskScore].self, forKey: .tasks) ?? [:]
    }
}

/// What `eval/baselines` writes: on each val split, a unigram model of that phase's train split and
/// the untrained (seeded, step 0) model.
public struct BaselineEvaluation: Codable, Sendable, Equatable {
    public var unigram: [String: EvaluationResult]
    public var untrained: [String: EvaluationResult]
}

extension EvaluationResult {
    /// The figures without the time they took: a stage's output must not depend on the machine's load
    /// (the stage's own time is in `resources/`).
    var withoutTimings: EvaluationResult {
        var copy = self
        copy.seconds = 0
        copy.tokensPerSecond = 0
        return copy
    }
}

/// The evaluation stages of a run.
public enum EvalRunner {
    public static func resultPath(layout: RunLayout, node: String) -> String { layout.root + "/" + node + "/eval.json" }

    /// Evaluates `phase`'s final checkpoint on every split of `splits` and continues the prompts.
    public static func evaluate(phase: String, pipeline: PipelineConfig, manifest: Manifest, splits: [String], threads: Int,
                                say: (String) -> Void) throws -> PhaseEvaluation {
        let layout = try RunLayout(pipeline: pipeline)
        let settings = try pipeline.evalSettings()
        guard let checkpoint = Checkpoint.latest(in: layout.checkpoints(phase: phase)) else {
            throw ModelLoadError(path: layout.checkpoints(phase: phase), message: "holds no checkpoint to evaluate")
        }
        let location = try ModelLocation.find(checkpoint, tokenizer: layout.tokenizerFolder)
        let loaded = try LoadedModel.load(location, type: .f32, threads: threads)
        let engine = PLMEngine(weights: loaded.weights, threads: threads)
        let tokenizer = loaded.tokenizer?.tokenizer
        var results: [String: EvaluationResult] = [:]
        for split in splits where hasSamples(layout.packValidation(phase: split), say: say) {
            let result = try Evaluator.evaluate(engine: engine, data: layout.packValidation(phase: split),
                                                tokenizer: tokenizer, maxSamples: settings.maxSamples)
            say(String(format: "eval %@ on %@ val: loss %.4f, %.4f bits/byte (%.0f tokens/s)", phase, split, result.loss,
                       result.bitsPerByte ?? .nan, result.tokensPerSecond))
            results[split] = result.withoutTimings
        }
        var generations: [PhaseGeneration] = []
        if let tokenizer {
            let generator = Generator(engine: engine, tokenizer: tokenizer)
            let sampling = SamplingOptions(greedy: settings.temperature == 0, temperature: max(settings.temperature, 1e-6),
                                           seed: settings.seed)
            let stop = StopConditions(tokenIds: StopConditions.endOfGenerationIds(of: tokenizer), maxTokens: settings.maxTokens)
            for prompt in settings.prompts {
                let ids = tokenizer.encode(prompt, allowSpecial: true)
                let cache = engine.makeCache(capacity: min(engine.config.maxPositionEmbeddings, ids.count + settings.maxTokens + 1))
                let result = try generator.generate(prompt: ids, cache: cache, sampling: sampling, stop: stop)
                generations.append(PhaseGeneration(prompt: prompt, text: result.text, tokens: result.generatedIds.count,
                                                   stopReason: result.stopReason))
            }
        }
        var tasks: [String: TaskScore] = [:]
        if let tokenizer, !manifest.evaluations.isEmpty {
            let replier = try ChatReplier(engine: engine, tokenizer: tokenizer)
            for evaluation in manifest.evaluations {
                let items = try TaskEvaluation.items(of: evaluation, layout: layout)
                guard !items.isEmpty else { continue }
                let score = try TaskEvaluation.score(items, replier: replier, scorer: evaluation.scorer,
                                                     maxItems: settings.maxItems, maxTokens: settings.taskMaxTokens)
                say(String(format: "eval %@ on %@: %d of %d correct (%.1f%%, 95%% CI %.1f-%.1f%%)", phase, evaluation.name,
                           score.correct, score.total, 100 * score.accuracy, 100 * score.low, 100 * score.high))
                tasks[evaluation.name] = score
            }
        }
        return PhaseEvaluation(phase: phase, checkpoint: checkpoint, splits: results, generations: generations, tasks: tasks)
    }

    /// The unigram and untrained baselines on every split (the model shape of the first schedule phase).
    public static func baselines(pipeline: PipelineConfig, splits: [String], threads: Int,
                                 say: (String) -> Void) throws -> BaselineEvaluation {
        let layout = try RunLayout(pipeline: pipeline)
        let settings = try pipeline.evalSettings()
        let tokenizer = try BPETokenizer(model: TokenizerFileReader.parse(
            Data(try FileInput.readAll(path: layout.tokenizerJSON)), path: layout.tokenizerJSON))
        let first = try pipeline.scheduleSettings().phases.first.map(\.name)
            ?? { throw ExecutorError(message: "section 'schedule' has no phases to evaluate") }()
        let plan = try TrainRunner.plan(pipeline: pipeline, phase: first,
                                        tokenizerVocabSize: TrainVocabulary.size(tokenizerJSON: layout.tokenizerJSON),
                                        preset: { try? PLMConfig.preset(named: $0) }, threads: threads)
        let model = PLMTransformer(config: plan.config, seed: plan.model.seed, options: ModelOptions(threads: threads))
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: threads)
        let context = plan.config.maxPositionEmbeddings
        var unigram: [String: EvaluationResult] = [:], untrained: [String: EvaluationResult] = [:]
        for split in splits where hasSamples(layout.packValidation(phase: split), say: say) {
            let baseline = try UnigramBaseline(train: layout.packTrain(phase: split), vocabulary: plan.config.vocabSize,
                                               context: context)
            unigram[split] = try baseline.evaluate(data: layout.packValidation(phase: split), tokenizer: tokenizer,
                                                   context: context, maxSamples: settings.maxSamples)
            untrained[split] = try Evaluator.evaluate(engine: engine, data: layout.packValidation(phase: split),
                                                      tokenizer: tokenizer, maxSamples: settings.maxSamples).withoutTimings
            say(String(format: "baselines on %@ val: unigram loss %.4f, untrained %.4f", split,
                       unigram[split]!.loss, untrained[split]!.loss))
        }
        return BaselineEvaluation(unigram: unigram, untrained: untrained)
    }

    /// Whether a val split holds a sample to evaluate; a split without one is noted and left out.
    static func hasSamples(_ folder: String, say: (String) -> Void) -> Bool {
        if let index = try? MDSIndex.load(directory: folder), index.sampleCount > 0 { return true }
        say("note: \(folder) holds no validation samples: not evaluated")
        return false
    }

    static func write<Value: Encodable>(_ value: Value, to path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try FileSystem.writeAtomically(Array(try encoder.encode(value)) + [0x0A], to: path)
    }
}
