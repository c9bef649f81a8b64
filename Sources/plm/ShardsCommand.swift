import ArgumentParser
import CorpusIO
import Foundation
import Shards

struct ShardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shards", abstract: "Look into and check packed shards.",
        subcommands: [ShardsInspectCommand.self, ShardsVerifyCommand.self])
}

/// MDS folders (with an index.json) at or below `directory`, sorted.
func shardFolders(under directory: String) throws -> [String] {
    if FileSystem.exists(directory + "/" + MDSIndex.fileName) { return [directory] }
    guard FileSystem.isDirectory(directory) else { throw ValidationError("\(directory): no such folder") }
    var found: [String] = []
    for name in FileSystem.list(directory) where FileSystem.isDirectory(directory + "/" + name) {
        found += try shardFolders(under: directory + "/" + name)
    }
    return found
}

struct ShardsInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Summarise a shard folder and print its first samples.")

    @Argument(help: "An MDS folder (with index.json), or a folder above such folders (a phase, pack/).")
    var directory: String

    @Option(name: .shortAndLong, help: "Print this many samples per folder.")
    var samples: Int = 2

    @Flag(help: "Print samples as text (with the run's tokenizer, or bytes with --byte-tokens).")
    var decode = false

    @Flag(help: "Decode with one id per byte (shards packed with --byte-tokens).")
    var byteTokens = false

    @Option(help: "The tokenizer.json (or its folder) to decode with (default: <root>/tokenizer of the run above DIR).")
    var tokenizer: String?

    @Option(help: "Write every sample's `tokens` (int32, little-endian, concatenated) of the single folder to this file.")
    var dumpTokens: String?

    func run() throws {
        let folders = try shardFolders(under: directory)
        guard !folders.isEmpty else { throw ValidationError("\(directory): no index.json at or below it") }
        for folder in folders {
            let reader = try ShardReader(directory: folder)
            let compressed = reader.index.shards.reduce(0) { $0 + $1.storedFile.bytes }
            let raw = reader.index.shards.reduce(0) { $0 + $1.rawData.bytes }
            print("\(folder): \(reader.sampleCount) samples in \(reader.index.shards.count) shards, "
                + "\(raw) bytes (\(compressed) stored); columns "
                + reader.columns.map { "\($0.name) \($0.encoding)" }.joined(separator: ", "))
            let encoder: (any TextEncoder)? = decode ? try decoder(for: folder) : nil
            for index in 0..<min(samples, reader.sampleCount) {
                let sample = try reader.sample(at: index)
                if let encoder {
                    print("--- sample \(index) ---")
                    for column in reader.columns where column.count != nil && !column.name.contains("mask") {
                        if reader.columns.count > 3 { print("[\(column.name)]") }
                        print(encoder.decode(sample.columns[column.name]!))
                    }
                } else {
                    let preview = sample.tokens.prefix(16).map(String.init).joined(separator: " ")
                    print("sample \(index): tokens [\(preview) ...] boundaries \(sample.boundaries.map { "\($0)" } ?? "-")"
                        + (sample.lossMask.map { " loss tokens \($0.reduce(0) { $0 + Int($1) })" } ?? ""))
                }
            }
        }
        if let dumpTokens {
            guard folders.count == 1 else { throw ValidationError("--dump-tokens needs a single MDS folder") }
            let reader = try ShardReader(directory: folders[0])
            var bytes: [UInt8] = []
            for index in 0..<reader.sampleCount {
                for token in try reader.sample(at: index).tokens {
                    withUnsafeBytes(of: token.littleEndian) { bytes.append(contentsOf: $0) }
                }
            }
            try FileSystem.writeAtomically(bytes, to: dumpTokens)
        }
    }

    private func decoder(for folder: String) throws -> any TextEncoder {
        if byteTokens { return ByteTokenEncoder() }
        // <root>/pack/<phase>/<split> -> <root>/tokenizer/tokenizer.json
        let root = URL(fileURLWithPath: folder).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let path = tokenizer ?? root + "/tokenizer/tokenizer.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no tokenizer at \(path): pass --tokenizer FILE (or --byte-tokens for byte-packed shards)")
        }
        return try TokenizerLoading.bpe(path: path).encoder
    }
}

struct ShardsVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every shard's size, hashes, offsets and samples against index.json (and Megatron files).")

    @Argument(help: "An MDS folder, or a folder above such folders.")
    var directory: String

    func run() throws {
        let folders = try shardFolders(under: directory)
        guard !folders.isEmpty else { throw ValidationError("\(directory): no index.json at or below it") }
        var problems = 0
        for folder in folders {
            let result = try ShardVerifier.verify(directory: folder)
            var megatronNote = ""
            let prefix = folder + "/megatron/tokens"
            if FileSystem.exists(prefix + ".idx") {
                do {
                    let megatron = try MegatronDataset(prefix: prefix)
                    if megatron.count != result.samples {
                        print("\(prefix).idx: \(megatron.count) sequences, the MDS folder has \(result.samples) samples")
                        problems += 1
                    }
                    megatronNote = ", Megatron index ok"
                } catch {
                    print("\(error)")
                    problems += 1
                }
            }
            for problem in result.problems { print(problem) }
            problems += result.problems.count
            Console.say("\(folder): \(result.shards) shards, \(result.samples) samples, "
                + (result.isClean ? "all hashes, sizes and offsets check out" : "\(result.problems.count) problems") + megatronNote)
        }
        if problems > 0 { throw ExitCode.failure }
    }
}
