import CorpusIO
import Foundation
import PLMInference
import PLMModel
import Shards
import Stages
import Tokenization

/// Trains a `preference` phase (the `train/<phase>` node of such a phase, `plm align`): DPO against a
/// frozen reference, the checkpoint the phase starts from (the previous phase's final one).
///
/// A phase with `prompts:` runs ARIES-style rounds: round r samples and refines answers with the model as
/// it is after round r-1 (`AriesRound`), keeps them under `<root>/align/<phase>/round-<r>/` (answers.jsonl,
/// pairs.jsonl, summary.json, the packed pairs in shards/), and trains its share of the phase's steps on
/// them. A round is resumable: its files are written whole (temporary name, rename) before it trains, and
/// training resumes from the phase's latest checkpoint. A phase without `prompts:` trains on its packed pairs.
public enum PreferenceRunner {
    public static func run(pipeline: PipelineConfig, manifest: Manifest, phase: String, threads: Int,
                           say: (String) -> Void) throws {
        let layout = try RunLayout(pipeline: pipeline)
        let settings = try pipeline.alignSettings()
        let plan = try TrainRunner.plan(pipeline: pipeline, phase: phase,
                                        tokenizerVocabSize: TrainVocabulary.size(tokenizerJSON: layout.tokenizerJSON),
                                        preset: { try? PLMConfig.preset(named: $0) }, threads: threads)
        guard let previous = plan.previousCheckpoints,
              let referenceFolder = Checkpoint.latestIntact(in: previous, warn: say) else {
            throw ExecutorError(message: "preference phase '\(phase)' needs a checkpoint to start from and to compare "
                + "against (DPO's reference): it must follow a trained phase in section 'schedule'")
        }
        let options = ModelOptions(maskAcrossDocuments: plan.model.maskAcrossDocuments, threads: plan.threads)
        let reference = try Checkpoint.loadModel(from: referenceFolder, options: options)
        guard reference.config == plan.config else {
            throw ExecutorError(message: "the reference checkpoint \(referenceFolder) has shape \(reference.config.shapeSummary), "
                + "the policy of phase '\(phase)' \(plan.config.shapeSummary): a preference phase keeps the model's shape")
        }
        try FileSystem.createDirectory(plan.outputFolder)
        let declared = manifest.phase(named: phase)
        guard let source = declared?.prompts else {
            say("phase \(phase): DPO on packed pairs \(plan.trainData), reference \(referenceFolder)")
            try train(plan: plan, settings: settings, data: plan.trainData, steps: plan.steps, reference: reference,
                      referenceFolder: referenceFolder, options: options, say: say)
            return
        }

        let documents = try TrainingDocuments.of(pipeline: pipeline, manifest: manifest)
        let prompts = try AriesRound.prompts(source: source, documentsFolder: layout.root + "/" + documents.folder)
        guard !prompts.isEmpty else {
            throw ExecutorError(message: "preference phase '\(phase)': source '\(source)' holds no chat record with a user "
                + "prompt and an 'answer' to score against")
        }
        let scorer: ManifestEvaluation.ScorerKind = manifest.source(named: source)?.generated?.generator == .arithmetic
            ? .arithmetic : .exact
        let tokenizerBytes = try FileInput.readAll(path: layout.tokenizerJSON)
        let tokenizer = try BPETokenizer(model: TokenizerFileReader.parse(Data(tokenizerBytes), path: layout.tokenizerJSON))
        let tokenizerHash = tokenizerBytes.withUnsafeBytes { XXHash.xxh3_64($0) }.description
        say("phase \(phase): \(settings.rounds) ARIES rounds over \(prompts.count) prompts of '\(source)', "
            + "reference \(referenceFolder)")

        for (round, steps) in roundRanges(plan.steps, rounds: settings.rounds).enumerated() {
            let own = Checkpoint.latestIntact(in: plan.checkpointFolder, warn: say)
            let ownStep = try own.map { try Checkpoint.progress(of: $0).step }
            let folder = layout.alignRound(phase: phase, round: round)
            if let ownStep, ownStep >= steps.upperBound {
                // Trained; scored unless the run stopped between the two (the latest checkpoint is then this round's).
                if ownStep == steps.upperBound {
                    try scoreRound(folder: folder, round: round, pipeline: pipeline, manifest: manifest, plan: plan,
                                   tokenizer: tokenizer, options: options, threads: threads, say: say)
                }
                continue
            }
            let pairsPath = folder + "/pairs.jsonl"
            if !FileSystem.exists(folder + "/summary.json") {
                // The model as the round starts: the end of the previous round, or the reference.
                let policy = try Checkpoint.loadModel(from: own ?? referenceFolder, options: options)
                let engine = PLMEngine(weights: EngineWeights(model: policy, type: .f32), threads: threads)
                let replier = try ChatReplier(engine: engine, tokenizer: tokenizer)
                let chosen = AriesRound.choose(prompts, count: settings.promptsPerRound, round: round, seed: settings.seed)
                let start = DispatchTime.now().uptimeNanoseconds
                let records = try AriesRound.sample(chosen, replier: replier, settings: settings, scorer: scorer, round: round)
                let summary = AriesRound.summary(records, round: round, asked: chosen.count,
                                                 seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                try AriesRound.writeLines(records, to: folder + "/answers.jsonl")
                try AriesRound.writeLines(records.compactMap(PreferenceLine.init), to: pairsPath)
                try packPairs(records, source: source, phase: phase, plan: plan, tokenizer: tokenizer, hash: tokenizerHash,
                              folder: folder + "/shards", say: say)
                try AriesRound.writeLines([summary], to: folder + "/summary.json")
                FaultInjection.point("aries:sampled")   // kill tests: a round's answers and pairs kept, not trained on
                say(String(format: "round %d: %d prompts, %d answers, first answers right %.1f%%, refined %@, %d pairs (%.1f s)",
                           round, summary.prompts, summary.answers, 100 * summary.sampledAccuracy,
                           summary.refinedAccuracy.map { String(format: "%.1f%%", 100 * $0) } ?? "-", summary.pairs,
                           summary.seconds))
            }
            let made = try AriesRound.readLines(AriesRoundSummary.self, from: folder + "/summary.json").first?.pairs ?? 0
            guard made > 0 else {
                // Every answer scored the same (all right, or all wrong): nothing to prefer. The round's steps
                // pass without an update, so the rounds after it keep their place on the schedule.
                say("round \(round) made no pair (see \(folder)/answers.jsonl): the model is unchanged over steps "
                    + "\(steps.lowerBound)..<\(steps.upperBound)")
                try skip(steps, from: own ?? referenceFolder, plan: plan, options: options)
                try scoreRound(folder: folder, round: round, pipeline: pipeline, manifest: manifest, plan: plan,
                               tokenizer: tokenizer, options: options, threads: threads, say: say)
                continue
            }
            // `align.reference: round` compares each round against the model it started from (iterative DPO);
            // `start` (the default) against the phase's starting checkpoint throughout.
            var roundReference = reference, roundReferenceFolder = referenceFolder
            if settings.reference == .round, round > 0 {
                roundReferenceFolder = plan.checkpointFolder + "/" + Checkpoint.folderName(step: steps.lowerBound)
                roundReference = try Checkpoint.loadModel(from: roundReferenceFolder, options: options)
            }
            try train(plan: plan, settings: settings, data: folder + "/shards/train", steps: steps, reference: roundReference,
                      referenceFolder: roundReferenceFolder, options: options, say: say)
            try scoreRound(folder: folder, round: round, pipeline: pipeline, manifest: manifest, plan: plan,
                           tokenizer: tokenizer, options: options, threads: threads, say: say)
        }
    }

    /// The held-out scores of the model as a round leaves it (`round-<r>/evaluation.json`), so the report
    /// shows what each round added, not only the phase's end.
    static func scoreRound(folder: String, round: Int, pipeline: PipelineConfig, manifest: Manifest, plan: TrainRunner.Plan,
                           tokenizer: BPETokenizer, options: ModelOptions, threads: Int, say: (String) -> Void) throws {
        let path = folder + "/evaluation.json"
        guard !manifest.evaluations.isEmpty, !FileSystem.exists(path),
              let checkpoint = Checkpoint.latestIntact(in: plan.checkpointFolder, warn: say) else { return }
        let eval = try pipeline.evalSettings()
        let model = try Checkpoint.loadModel(from: checkpoint, options: options)
        let replier = try ChatReplier(engine: PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: threads),
                                      tokenizer: tokenizer)
        let layout = try RunLayout(pipeline: pipeline)
        var scores: [String: TaskScore] = [:]
        for evaluation in manifest.evaluations {
            let items = try TaskEvaluation.items(of: evaluation, layout: layout)
            guard !items.isEmpty else { continue }
            let score = try TaskEvaluation.score(items, replier: replier, scorer: evaluation.scorer, maxItems: eval.maxItems,
                                                 maxTokens: eval.taskMaxTokens, keepExamples: 0)
            say(String(format: "round %d: %@ %d of %d correct (%.1f%%, 95%% CI %.1f-%.1f%%)", round, evaluation.name,
                       score.correct, score.total, 100 * score.accuracy, 100 * score.low, 100 * score.high))
            scores[evaluation.name] = score
        }
        try EvalRunner.write(scores, to: path)
    }

    /// A checkpoint at the end of `steps` holding the weights and moments of `folder` unchanged.
    static func skip(_ steps: Range<Int>, from folder: String, plan: TrainRunner.Plan, options: ModelOptions) throws {
        let model = try Checkpoint.loadModel(from: folder, options: options)
        let optimizer = AdamW(layout: model.layout, settings: plan.model.optimizer)
        try Checkpoint.loadMoments(from: folder, into: optimizer)
        let progress = try Checkpoint.progress(of: folder)
        optimizer.step = progress.optimizerStep
        let state = TrainerState(step: steps.upperBound, optimizerStep: progress.optimizerStep, phase: plan.phase,
                                 schedule: plan.schedule.schedule, optimizer: plan.model.optimizer, seed: plan.model.seed,
                                 tokensSeen: 0, batchTokens: plan.model.batchTokens, microBatchSize: plan.model.microBatchSize,
                                 sequenceLength: plan.model.sequenceLength, threads: plan.threads,
                                 dataPosition: ShardIteratorPosition(seed: plan.model.seed, shuffleBuffer: 0), lastLoss: nil)
        try Checkpoint.save(model: model, optimizer: optimizer, state: state, in: plan.checkpointFolder, keep: 3,
                            extraFiles: plan.tokenizerFiles)
    }

    /// The phase's steps cut into `rounds` consecutive ranges (the first ones one step longer when they
    /// do not divide evenly).
    public static func roundRanges(_ steps: Range<Int>, rounds: Int) -> [Range<Int>] {
        let base = steps.count / rounds, extra = steps.count % rounds
        var start = steps.lowerBound
        return (0..<rounds).map { round in
            let length = base + (round < extra ? 1 : 0)
            defer { start += length }
            return start..<start + length
        }
    }

    /// One pair as `pairs.jsonl` keeps it: the preference record packing reads.
    struct PreferenceLine: Encodable {
        var id: String
        var prompt: String
        var chosen: String
        var rejected: String

        init?(_ record: AriesRecord) {
            guard let chosen = record.chosen, let rejected = record.rejected else { return nil }
            id = record.id
            prompt = record.prompt
            self.chosen = chosen
            self.rejected = rejected
        }
    }

    /// Packs a round's pairs into preference shards (`<folder>/train`), as `plm pack` packs a preference phase.
    static func packPairs(_ records: [AriesRecord], source: String, phase: String, plan: TrainRunner.Plan,
                          tokenizer: BPETokenizer, hash: String, folder: String, say: (String) -> Void) throws {
        var options = PackOptions()
        options.seqLen = plan.model.sequenceLength
        options.validationFraction = 0
        options.compressionLevel = 3
        options.workers = plan.threads
        let packer = PhasePacker(mixture: PhaseMixture(name: phase, kind: .preference, weights: [source: 1]),
                                 options: options, encoder: tokenizer, tokenizerHash: hash)
        if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
        try packer.pack(AriesRound.preferenceDocuments(records, source: source), into: folder, warn: say)
    }
}

extension PreferenceRunner {
    /// DPO over `steps` on the pairs in `data`, from the phase's latest checkpoint when it is inside this
    /// range, else from the checkpoint the range starts at (the previous round's end, or the reference).
    static func train(plan: TrainRunner.Plan, settings: AlignSettings, data: String, steps: Range<Int>,
                      reference: PLMTransformer, referenceFolder: String, options: ModelOptions,
                      say: (String) -> Void) throws {
        guard !steps.isEmpty else { return }
        let policy = PLMTransformer(config: plan.config, seed: plan.model.seed, options: options)
        let source = try PreferenceBatchSource(directory: data, seed: plan.model.seed)
        // DPO wants a small, steady rate: `align.learning_rate` when set, else the schedule's.
        let schedule = settings.learningRate.map {
            WSDCSchedule(peakLearningRate: $0, floorLearningRate: $0, warmupSteps: 0, stableSteps: steps.upperBound,
                         decaySteps: 0, constantSteps: 0, decayShape: .linear)
        } ?? plan.schedule.schedule
        let micro = min(plan.model.microBatchSize, settings.pairsPerStep)
        var trainerOptions = PreferenceTrainerOptions(
            loss: DPOLoss(beta: settings.beta, labelSmoothing: settings.labelSmoothing),
            pairsPerStep: settings.pairsPerStep - settings.pairsPerStep % micro, microPairs: micro,
            sequenceLength: plan.model.sequenceLength, optimizer: plan.model.optimizer, schedule: schedule, steps: steps,
            phase: plan.phase, checkpointInterval: plan.model.checkpointInterval, checkpointDirectory: plan.checkpointFolder,
            metricsPath: plan.metricsPath, seed: plan.model.seed)
        trainerOptions.checkpointExtraFiles = plan.tokenizerFiles
        trainerOptions.chosenNLLWeight = settings.chosenNLLWeight
        let trainer = try PreferenceTrainer(policy: policy, reference: reference, source: source, options: trainerOptions)
        let own = Checkpoint.latestIntact(in: plan.checkpointFolder, warn: say)
        let ownStep = try own.map { try Checkpoint.progress(of: $0).step }
        if let own, let ownStep, steps.contains(ownStep), ownStep > steps.lowerBound {
            try trainer.resume(from: own)
            say("phase \(plan.phase): resuming DPO from \(own) at step \(trainer.step)")
        } else {
            try trainer.continueFrom(previousPhase: own ?? referenceFolder)
        }
        var last: PreferenceStepMetrics?
        try trainer.run { metrics in
            last = metrics
            if (metrics.step + 1 - steps.lowerBound) % 10 == 0 || metrics.step + 1 == steps.upperBound {
                say(String(format: "dpo step %d: loss %.4f, reward margin %.3f, accuracy %.2f, logp chosen %.2f rejected %.2f, lr %.2e",
                           metrics.step + 1, metrics.loss, metrics.rewardMargin, metrics.rewardAccuracy,
                           metrics.chosenLogProbability, metrics.rejectedLogProbability, metrics.lr))
            }
        }
        if last == nil { say("phase \(plan.phase): steps \(steps.lowerBound)..<\(steps.upperBound) already trained") }
    }
}

extension PLMConfig {
    /// The numbers that decide a checkpoint's tensors, for messages about mismatched shapes.
    var shapeSummary: String {
        "hidden \(hiddenSize), \(numHiddenLayers) layers, \(numAttentionHeads) heads, kv_lora \(kvLoraRank), "
            + "ffn \(intermediateSize), vocab \(vocabSize)"
    }
}
