import ArgumentParser
import CorpusIO
import Foundation
import Pipeline
import Shards
import Tokenization

struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack the manifest's phases into zstd-compressed MDS shards (and optionally Megatron .bin/.idx).",
        discussion: """
            Reads filter's output (else dedup's, else ingest's) and writes, per phase,
            <output>/pack/<phase>/{train,val}/ (index.json + shard.NNNNN.mds.zstd) and
            <output>/pack/<phase>/phase.json with the mixture realised. Settings: the pipeline's `pack:`
            section. Phases already packed (completion marker) are skipped; a killed phase is redone.
            """)

    @OptionGroup var pipeline: PipelineArgument

    @Option(help: "Pack only this phase.")
    var phase: String?

    @Option(help: "Threads for tokenizing (default: the pipeline's workers).")
    var workers: Int?

    @Flag(help: "Use one id per UTF-8 byte instead of the run's tokenizer (before the tokenizer stage exists).")
    var byteTokens = false

    func run() throws {
        if !byteTokens {
            return try GraphNodeCommand.run(pipeline, only: phase.map { "pack/" + $0 } ?? "pack", workers: workers)
        }
        let (config, manifest) = try pipeline.load()
        let summary = try PackRunner.run(pipeline: config, manifest: manifest, options: .init(phase: phase, workers: workers),
                                         loadEncoder: TokenizerLoading.loader(byteTokens: byteTokens), say: Console.say)
        for failure in summary.failed { Console.say("phase task \(failure.task) failed: \(failure.error)") }
        if !summary.failed.isEmpty { throw ExitCode.failure }
        Console.say("shards: \(config.output)/pack (plm shards inspect DIR, plm shards verify DIR)")
    }
}

/// How the CLI finds the tokenizer to pack and decode with.
enum TokenizerLoading {
    static func loader(byteTokens: Bool) -> PackRunner.EncoderLoader {
        { path in
            if byteTokens { return (ByteTokenEncoder(), "bytes") }
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no tokenizer at \(path): run the tokenizer stage first, or pass --byte-tokens")
            }
            return try bpe(path: path)
        }
    }

    /// The BPE tokenizer in a `tokenizer.json` (or a folder holding one), with the sha1 of the file so that
    /// `phase.json` records exactly which tokenizer made the shards.
    static func bpe(path: String) throws -> (encoder: any TextEncoder, hash: String) {
        let file = FileSystem.isDirectory(path) ? path + "/tokenizer.json" : path
        let bytes = try FileInput.readAll(path: file)
        let tokenizer = try BPETokenizer(model: TokenizerFileReader.parse(Data(bytes), path: file))
        return (tokenizer, "sha1:" + ShardHash.sha1.digest(bytes))
    }
}
