import ArgumentParser
import Pipeline

struct MakeSFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-sft",
        abstract: "Write the manifest's generated chat data and evaluation sets from local material.",
        discussion: """
            For every source with `generate:` (dpkg-descriptions, man-pages, python-docstrings, license-summaries,
            arithmetic) writes chat records to <output>/make-sft/sources/<source>.jsonl, which ingest then reads;
            for every evaluation set with `generate: arithmetic` writes held-out items (prompt, answer, worked
            solution) to <output>/make-sft/evaluations/<name>.jsonl. Arithmetic's train and held-out splits
            never share a problem. Counts per generator go to <output>/make-sft/stats.json.
            """)

    @OptionGroup var pipeline: PipelineArgument

    func run() throws {
        try GraphNodeCommand.run(pipeline, only: "make-sft", workers: nil)
    }
}

struct DecontaminateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decontaminate",
        abstract: "Remove training documents that share an n-gram with an evaluation set.",
        discussion: """
            Compares every filtered document of every source with every evaluation set the manifest names
            (13-grams of normalised words by default; an item shorter than that matches as a whole). Matching
            documents are dropped, or in `mode: cut` the matching spans are cut from plain text. Kept documents
            go to <output>/decontaminate/output/<source>/, removed ones with the evaluation set and the n-gram
            to <output>/decontaminate/removed/<source>/, counts per source and evaluation set to the stage's stats.
            The tokenizer and packing read the kept documents.
            """)

    @OptionGroup var pipeline: PipelineArgument
    @Option(help: "Run at most this many tasks at once (default: the pipeline's workers).")
    var workers: Int?

    func run() throws {
        try GraphNodeCommand.run(pipeline, only: "decontaminate", workers: workers)
    }
}

struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Train the preference phases: ARIES-style rounds of sampled, refined and scored answers, then DPO.",
        discussion: """
            For a `preference` phase with `prompts: SOURCE`, each round samples answers to the source's prompts
            with the current model, asks it to refine each answer, scores every answer with the task's rule,
            pairs the best refined answer with the worst one and trains the round's share of the phase's steps
            with DPO against the frozen checkpoint the phase started from. Each round's answers, scores and
            pairs are kept as JSONL under <output>/align/<phase>/round-<r>/. A preference phase without
            `prompts` trains DPO on its packed pairs. Settings: the pipeline's `align:` section.
            """)

    @OptionGroup var pipeline: PipelineArgument
    @Option(help: "Number of rounds (overrides align.rounds; changing it retrains the phase).")
    var rounds: Int?
    @Option(help: "Train only this preference phase.")
    var phase: String?

    func validate() throws {
        if let rounds, rounds < 1 { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        let (config, manifest) = try pipeline.load()
        var pipelineConfig = config
        if let rounds { try pipelineConfig.overrideAlignRounds(rounds) }
        let phases = manifest.phases.filter { $0.kind == .preference }.map(\.name)
        guard !phases.isEmpty else { throw ValidationError("\(manifest.path) declares no preference phase") }
        if let phase, !phases.contains(phase) {
            throw ValidationError("--phase \(phase) is not a preference phase (\(phases.joined(separator: ", ")))")
        }
        let runner = try GraphRunner(pipeline: pipelineConfig, manifest: manifest,
                                     hooks: RunHooks.make(workers: nil, root: config.output))
        for name in phase.map({ [$0] }) ?? phases {
            try runner.run(.init(only: "train/\(name)"))
            try runner.run(.init(only: "eval/\(name)"))
        }
    }
}
