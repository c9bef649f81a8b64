import ArgumentParser
import CorpusIO
import Dispatch
import Foundation
import Shards
import Synchronization
import Tokenization

/// Packing throughput beside its two unavoidable costs measured alone on the same text in the same
/// run: tokenizing (all cores) and zstd-compressing the very token bytes the shards hold (all
/// cores, shard-sized chunks); then the reader's delivery rate. Wall and CPU seconds are the median
/// of `--repeats` runs, since a shared machine's timings vary by tens of percent run to run.
struct PackBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack MB/s and tokens/s beside tokenize-only and zstd-only; shard reader tokens/s.")

    @Argument(help: "Documents as a stage writes them: <folder>/<source>/*.jsonl.zst (e.g. shards/local/ingest).")
    var input = "shards/local/ingest"

    @Option(help: "Threads for tokenizing and for compressing shards.")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "zstd level of the shards.")
    var level: Int32 = 3

    @Option(help: "A tokenizer.json to pack with (default: one id per byte, which isolates packing's own cost).")
    var tokenizer: String?

    @Option(help: "Runs of each measurement; the median is reported.")
    var repeats = 3

    @Option(help: "Tokens per second the trainer consumes, to compare the reader with.")
    var trainerTokensPerSecond = 50_000.0

    /// Wall and CPU seconds of one measured step.
    struct Timing {
        var wall: Double
        var cpu: Double

        static func median(_ runs: [Timing]) -> Timing {
            func middle(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            return Timing(wall: middle(runs.map(\.wall)), cpu: middle(runs.map(\.cpu)))
        }
    }

    func run() throws {
        var documents: [PackDocument] = []
        for source in FileSystem.list(input) where FileSystem.isDirectory(input + "/" + source) {
            for file in FileSystem.list(input + "/" + source) where file.hasSuffix(".jsonl.zst") {
                try ZstdLineReader.forEachLine(path: input + "/" + source + "/" + file) { item in
                    guard case .line(let bytes, _) = item,
                          case .success(let document) = PackRecordParser.parse(line: Data(bytes), defaultSource: source, lineNumber: 0),
                          case .text = document.content else { return }
                    documents.append(PackDocument(id: document.id, source: source, content: document.content))
                }
            }
        }
        guard !documents.isEmpty else { throw ValidationError("\(input): no documents (run `plm ingest` first)") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        let textBytes = documents.reduce(0) { $0 + $1.textBytes }
        let sources = Set(documents.map(\.source)).sorted()
        let encoder: any TextEncoder = try tokenizer.map { path in
            try BPETokenizer(model: TokenizerFileReader.read(path: path))
        } ?? ByteTokenEncoder()
        let tokenType: MDSElementType = encoder.vocabularySize <= 1 << 16 ? .uint16 : .int32
        print("corpus: \(documents.count) documents, \(mb(textBytes)) MB of text, sources \(sources.joined(separator: ", "))")
        print("tokenizer: " + (tokenizer.map { "BPE \($0), vocab \(encoder.vocabularySize)" }
            ?? "ByteTokenEncoder (one id per byte; --tokenizer FILE for a real BPE vocabulary)"))
        print("\(workers) threads; median of \(repeats) runs; CPU is user + system seconds of all threads")

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-bench-pack-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var options = PackOptions()
        options.workers = workers
        options.compressionLevel = level
        let mixture = PhaseMixture(name: "bench", weights: Dictionary(uniqueKeysWithValues: sources.map { ($0, 1.0) }))

        var tokenizeRuns: [Timing] = [], zstdRuns: [Timing] = [], packRuns: [Timing] = []
        var tokenCount = 0, packedTokens = 0, tokenBytes = 0, compressedBytes = 0
        for run in 0..<repeats {
            // 1. Tokenizing alone (ids + EOS per document, kept, as packing keeps them).
            var ids: [[Int32]] = []
            tokenizeRuns.append(measure { ids = tokenizeAll(documents, encoder: encoder) })
            tokenCount = ids.reduce(0) { $0 + $1.count }

            // 2. zstd alone over those ids as the token column stores them, in shard-sized chunks.
            let chunks = Self.tokenColumnBytes(ids, type: tokenType, chunkSize: options.shardSizeLimit)
            ids = []
            tokenBytes = chunks.reduce(0) { $0 + $1.count }
            zstdRuns.append(try measure { compressedBytes = try compressAll(chunks) })

            // 3. Packing: split, tokenize, mix, shuffle, cut, encode, hash, compress, write.
            try? FileManager.default.removeItem(atPath: root)
            var report: PhaseReport?
            packRuns.append(try measure {
                report = try PhasePacker(mixture: mixture, options: options, encoder: encoder, tokenizerHash: "bench")
                    .pack(documents, into: root)
            })
            packedTokens = (report?.train.packing.tokens ?? 0) + (report?.validation.packing.tokens ?? 0)
            print(String(format: "  run %d: tokenize %.2f s, zstd %.2f s, pack %.2f s", run + 1,
                         tokenizeRuns[run].wall, zstdRuns[run].wall, packRuns[run].wall))
        }
        let tokenize = Timing.median(tokenizeRuns), zstd = Timing.median(zstdRuns), pack = Timing.median(packRuns)
        print(row("tokenize only", tokenize, bytes: textBytes, tokens: tokenCount))
        print(row("zstd -\(level) only (token bytes)", zstd, bytes: textBytes, tokens: tokenCount)
            + String(format: "  %.2fx smaller", Double(tokenBytes) / Double(max(1, compressedBytes))))
        print(row("tokenize + zstd", Timing(wall: tokenize.wall + zstd.wall, cpu: tokenize.cpu + zstd.cpu),
                  bytes: textBytes, tokens: tokenCount))
        print(row("plm pack (concat, zstd -\(level))", pack, bytes: textBytes, tokens: packedTokens))
        print(String(format: "pack = %.2fx tokenize-only wall (%.2fx CPU); %.2fx tokenize + zstd wall (%.2fx CPU)",
                     pack.wall / tokenize.wall, pack.cpu / tokenize.cpu,
                     pack.wall / (tokenize.wall + zstd.wall), pack.cpu / (tokenize.cpu + zstd.cpu)))

        // 4. Reader: every training sample once through the shuffle buffer.
        let reader = try ShardReader(directory: root + "/train")
        let iterator = try ShardBatchIterator(reader: reader, seed: 1)
        let started = Date()
        var delivered = 0
        for _ in 0..<reader.sampleCount { delivered += try iterator.next().tokens.count }
        let readSeconds = Date().timeIntervalSince(started)
        let rate = Double(delivered) / readSeconds
        print("reader (shuffle buffer 16384)".padding(toLength: 36, withPad: " ", startingAt: 0)
            + String(format: "%6.2f s wall  %12.0f tokens/s delivered  %8.0fx a trainer at %.0f tokens/s",
                     readSeconds, rate, rate / trainerTokensPerSecond, trainerTokensPerSecond))
        // What the reader's integrity check costs: xxh3_64 over every shard as stored and decompressed
        // (the reader hashes both when it opens a shard), beside the read above.
        var hashed = 0
        var hashSeconds = 0.0
        for shard in reader.index.shards {
            let bytes = try FileInput.readAll(path: root + "/train/" + shard.storedFile.basename)
            let raw = shard.zipData == nil ? bytes : try bytes.withUnsafeBytes { try ZstdDecompressor.decompress($0) }
            let started = Date()
            _ = ShardHash.xxh3_64.digest(bytes)
            if shard.zipData != nil { _ = ShardHash.xxh3_64.digest(raw) }
            hashSeconds += Date().timeIntervalSince(started)
            hashed += bytes.count + (shard.zipData == nil ? 0 : raw.count)
        }
        print("reader integrity check (xxh3_64)".padding(toLength: 36, withPad: " ", startingAt: 0)
            + String(format: "%6.3f s for %.1f MB hashed (%.1f GB/s): %.2f%% of the read above",
                     hashSeconds, Double(hashed) / 1e6, Double(hashed) / 1e9 / max(hashSeconds, 1e-9),
                     100 * hashSeconds / readSeconds))
    }

    private func measure(_ body: () throws -> Void) rethrows -> Timing {
        let started = Date()
        let cpuStart = ProcessCPU.seconds()
        try body()
        return Timing(wall: Date().timeIntervalSince(started), cpu: ProcessCPU.seconds() - cpuStart)
    }

    private func tokenizeAll(_ documents: [PackDocument], encoder: any TextEncoder) -> [[Int32]] {
        // Unchecked: each index is written by exactly one thread, and read after concurrentPerform returns.
        nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<[Int32]>.allocate(capacity: documents.count)
        slots.initialize(repeating: [])
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let next = Mutex(0)
        let chunk = 256
        let endOfText = encoder.specialTokenID(ChatTemplate.endOfText) ?? 0
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let start = next.withLock { value -> Int in
                    defer { value += chunk }
                    return value
                }
                guard start < documents.count else { return }
                for index in start..<min(documents.count, start + chunk) {
                    guard case .text(let text) = documents[index].content else { continue }
                    var ids = encoder.encode(text, allowSpecial: false)
                    ids.append(endOfText)
                    slots[index] = ids
                }
            }
        }
        return Array(slots)
    }

    /// The ids narrowed to the token column's type, little-endian, cut into chunks of `chunkSize` bytes.
    private static func tokenColumnBytes(_ ids: [[Int32]], type: MDSElementType, chunkSize: Int) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        current.reserveCapacity(chunkSize)
        for document in ids {
            for id in document {
                if current.count + type.byteWidth > chunkSize {
                    chunks.append(current)
                    current = []
                    current.reserveCapacity(chunkSize)
                }
                for shift in 0..<type.byteWidth { current.append(UInt8(truncatingIfNeeded: id >> (8 * shift))) }
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// Compresses every chunk, `workers` at a time, as the shard writer does; returns the compressed bytes.
    private func compressAll(_ chunks: [[UInt8]]) throws -> Int {
        let sizes = Mutex([Int](repeating: 0, count: chunks.count))
        let failure = Mutex<(any Error)?>(nil)
        let next = Mutex(0)
        let level = level
        DispatchQueue.concurrentPerform(iterations: min(workers, chunks.count)) { _ in
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < chunks.count else { return }
                do {
                    let size = try chunks[index].withUnsafeBytes { try ZstdCompressor.compress(parts: [$0], level: level).count }
                    sizes.withLock { $0[index] = size }
                } catch {
                    failure.withLock { $0 = error }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return sizes.withLock { $0.reduce(0, +) }
    }

    private func mb(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

    private func row(_ label: String, _ timing: Timing, bytes: Int, tokens: Int) -> String {
        label.padding(toLength: 36, withPad: " ", startingAt: 0)
            + String(format: "%6.2f s wall %6.2f s CPU  %7.1f MB/s of text in  %11.0f tokens/s",
                     timing.wall, timing.cpu, Double(bytes) / 1e6 / timing.wall, Double(tokens) / timing.wall)
    }
}
