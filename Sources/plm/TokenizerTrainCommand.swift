import ArgumentParser
import Foundation
import Pipeline
import Tokenization

struct TokenizerTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a byte-level BPE tokenizer (merges identical to Hugging Face tokenizers' BpeTrainer).",
        discussion: """
            Give a pipeline file to train on the run's filtered documents (<output>/filter/output/), with the
            pipeline's `tokenizer:` section (options given here override it; `sample` draws each source's share
            by the manifest's first pretraining phase weights); the folder goes to <output>/tokenizer unless the
            section or --output says otherwise. Or give JSONL, JSONL.zst (field `text`) or plain text files
            (one document per file) and --output.

            Special tokens take ids 0, 1, ...; then the 256 bytes; then the merges. Special tokens written in
            the text are trained on as ordinary text, as Hugging Face does.
            """)

    @Argument(help: "A pipeline file (.yaml), or JSONL / JSONL.zst / text files.")
    var inputs: [String]

    @Option(help: "Vocabulary size: special tokens + 256 bytes + merges (default 32000, or the pipeline's).")
    var vocabSize: Int?

    @Option(help: "Split pattern: gpt2, llama3 or qwen2 (default qwen2, or the pipeline's).")
    var preset: String?

    @Option(name: .customLong("special-token"),
            help: "A special token; repeat for several. Replaces the default <|endoftext|>, <|im_start|>, <|im_end|>.")
    var specialTokens: [String] = []

    @Option(help: "A pair merges only if it occurs at least this often (default 2, or the pipeline's).")
    var minFrequency: Int?

    @Option(help: "With a pipeline: UTF-8 bytes of text to sample over the sources (e.g. 200MB).")
    var sample: String?

    @Option(help: "model_max_length for tokenizer_config.json (default 2048, or the pipeline's).")
    var modelMaxLength: Int?

    @Option(help: "Output folder (required with files; with a pipeline, default <output>/tokenizer).")
    var output: String?

    @Option(help: "Threads counting words (default: the pipeline's workers, else the core count).")
    var workers: Int?

    @Flag(help: "No progress bars.")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give a pipeline file or at least one input file") }
        if let vocabSize, vocabSize < 1 { throw ValidationError("--vocab-size must be positive") }
        if let minFrequency, minFrequency < 0 { throw ValidationError("--min-frequency must be at least 0") }
        if let modelMaxLength, modelMaxLength < 1 { throw ValidationError("--model-max-length must be positive") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let preset, SplitPreset(rawValue: preset) == nil {
            throw ValidationError("--preset must be one of \(SplitPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if specialTokens.contains("") { throw ValidationError("--special-token must not be empty") }
        if !isPipeline && output == nil { throw ValidationError("--output is required when training on files") }
        if !isPipeline && sample != nil { throw ValidationError("--sample applies to a pipeline's documents only") }
    }

    private var isPipeline: Bool {
        inputs.count == 1 && (inputs[0].hasSuffix(".yaml") || inputs[0].hasSuffix(".yml"))
    }

    func run() throws {
        if isPipeline {
            let (pipeline, manifest, notes) = try PipelineConfig.loadWithManifest(path: inputs[0])
            for note in notes { Console.note(note) }
            var config = try TokenizerConfig.load(from: pipeline)
            apply(to: &config)
            if let sample {
                guard let bytes = TokenizerConfig.byteSize(sample), bytes > 0 else {
                    throw ValidationError("--sample must be a byte size such as 200MB, got '\(sample)'")
                }
                config.sampleBytes = bytes
            }
            let summary = try TokenizerRunner.run(pipeline: pipeline, manifest: manifest, config: config,
                                                  options: .init(workers: workers, progress: !quiet, retrain: true),
                                                  say: Console.say)
            Console.say("done: \(summary.folder)")
        } else {
            var config = TokenizerConfig()
            apply(to: &config)
            let files = inputs.map { TokenizerInputFile(path: $0) }
            _ = try TokenizerRunner.train(files: files, options: config.trainerOptions, folder: output ?? ".",
                                          modelMaxLength: config.modelMaxLength,
                                          workers: workers ?? ProcessInfo.processInfo.activeProcessorCount, progress: !quiet,
                                          say: Console.say)
        }
    }

    private func apply(to config: inout TokenizerConfig) {
        if let vocabSize { config.vocabSize = vocabSize }
        if let preset, let choice = SplitPreset(rawValue: preset) { config.preset = choice }
        if !specialTokens.isEmpty {
            var unique: [String] = []
            for token in specialTokens where !unique.contains(token) { unique.append(token) }
            config.specialTokens = unique
        }
        if let minFrequency { config.minFrequency = minFrequency }
        if let modelMaxLength { config.modelMaxLength = modelMaxLength }
        if let output { config.setOutput(output) }
    }
}
