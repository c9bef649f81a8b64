import ArgumentParser
import CorpusIO
import Dispatch
import Foundation
import Shards
import Synchronization
import Tokenization

/// Packing throughput beside its two unavoidable costs measured alone on the same text:
/// tokenizing (all cores) and zstd-compressing the token bytes; then the reader's delivery rate.
struct PackBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack MB/s and tokens/s beside tokenize-only and zstd-only; shard reader tokens/s.")

    @Argument(help: "Documents as a stage writes them: <folder>/<source>/*.jsonl.zst (e.g. shards/local/ingest).")
    var input = "shards/local/ingest"

    @Option(help: "Tokenizing threads.")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "zstd level of the shards.")
    var level: Int32 = 3

    @Option(help: "A tokenizer.json to pack with (default: one id per byte, which isolates packing's own cost).")
    var tokenizer: String?

    @Option(help: "Tokens per second the trainer consumes, to compare the reader with.")
    var trainerTokensPerSecond = 50_000.0

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
        let textBytes = documents.reduce(0) { $0 + $1.textBytes }
        let sources = Set(documents.map(\.source)).sorted()
        let encoder: any TextEncoder = try tokenizer.map { path in
            try BPETokenizer(model: TokenizerFileReader.read(path: path))
        } ?? ByteTokenEncoder()
        print("corpus: \(documents.count) documents, \(mb(textBytes)) MB of text, sources \(sources.joined(separator: ", "))")
        print("tokenizer: " + (tokenizer.map { "BPE \($0), vocab \(encoder.vocabularySize)" }
            ?? "ByteTokenEncoder (one id per byte; --tokenizer FILE for a real BPE vocabulary)"))

        // 1. Tokenizing alone.
        var started = Date()
        let counts = tokenizeAll(documents, encoder: encoder)
        let tokenizeSeconds = Date().timeIntervalSince(started)
        let tokens = counts.reduce(0, +)
        print(row("tokenize only (\(workers) threads)", seconds: tokenizeSeconds, bytes: textBytes, tokens: tokens))

        // 2. zstd alone over the token bytes as a uint16 column stores them, in 64 MiB shards, one thread.
        let tokenBytes = tokens * 2
        // Real token bytes: the text widened to 16 bits (what the byte tokenizer emits), up to one shard.
        var buffer = [UInt8](repeating: 0, count: min(tokenBytes, 1 << 26))
        var filled = 0
        outer: for document in documents {
            guard case .text(let text) = document.content else { continue }
            for byte in text.utf8 {
                guard filled + 2 <= buffer.count else { break outer }
                buffer[filled] = byte
                buffer[filled + 1] = 0
                filled += 2
            }
        }
        started = Date()
        var remaining = tokenBytes
        var compressed = 0
        while remaining > 0 {
            let size = min(remaining, filled)
            compressed += try buffer.withUnsafeBytes { try ZstdCompressor.compress(UnsafeRawBufferPointer(rebasing: $0[0..<size]), level: level).count }
            remaining -= size
        }
        let zstdSeconds = Date().timeIntervalSince(started)
        print(row("zstd -\(level) only (1 thread)", seconds: zstdSeconds, bytes: textBytes, tokens: tokens)
            + String(format: "  %.2fx smaller", Double(tokenBytes) / Double(max(1, compressed))))

        // 3. Packing: split, tokenize, mix, shuffle, cut, encode, hash, compress, write.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-bench-pack-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var options = PackOptions()
        options.workers = workers
        options.compressionLevel = level
        let mixture = PhaseMixture(name: "bench", weights: Dictionary(uniqueKeysWithValues: sources.map { ($0, 1.0) }))
        started = Date()
        let report = try PhasePacker(mixture: mixture, options: options, encoder: encoder, tokenizerHash: "bytes")
            .pack(documents, into: root)
        let packSeconds = Date().timeIntervalSince(started)
        let packed = report.train.packing.tokens + report.validation.packing.tokens
        print(row("plm pack (concat, zstd -\(level))", seconds: packSeconds, bytes: textBytes, tokens: packed)
            + String(format: "  %.2fx tokenize-only time", packSeconds / tokenizeSeconds))

        // 4. Reader: every training sample once through the shuffle buffer.
        let reader = try ShardReader(directory: root + "/train")
        let iterator = try ShardBatchIterator(reader: reader, seed: 1)
        started = Date()
        var delivered = 0
        for _ in 0..<reader.sampleCount { delivered += try iterator.next().tokens.count }
        let readSeconds = Date().timeIntervalSince(started)
        let rate = Double(delivered) / readSeconds
        print(String(format: "%-36@ %8.2f s  %12.0f tokens/s delivered  %8.0fx a trainer at %.0f tokens/s",
                     "reader (shuffle buffer 16384)" as NSString, readSeconds, rate, rate / trainerTokensPerSecond,
                     trainerTokensPerSecond))
    }

    private func tokenizeAll(_ documents: [PackDocument], encoder: any TextEncoder) -> [Int] {
        // Unchecked: each index is written by exactly one thread, and read after concurrentPerform returns.
        nonisolated(unsafe) let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: documents.count)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        let next = Mutex(0)
        let chunk = 256
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let start = next.withLock { value -> Int in
                    defer { value += chunk }
                    return value
                }
                guard start < documents.count else { return }
                for index in start..<min(documents.count, start + chunk) {
                    guard case .text(let text) = documents[index].content else { continue }
                    counts[index] = encoder.encode(text, allowSpecial: false).count + 1
                }
            }
        }
        return Array(counts)
    }

    private func mb(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

    private func row(_ label: String, seconds: Double, bytes: Int, tokens: Int) -> String {
        String(format: "%-36@ %8.2f s  %8.1f MB/s of text in  %12.0f tokens/s", label as NSString, seconds,
               Double(bytes) / 1e6 / seconds, Double(tokens) / seconds)
    }
}
