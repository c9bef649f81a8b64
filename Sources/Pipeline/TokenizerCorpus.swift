import CorpusIO
import Curation
import Foundation
import Stages
import Tokenization

/// One file of tokenizer training text and the share of it to use.
public struct TokenizerInputFile: Sendable, Equatable {
    public var path: String
    /// Fraction of the file's text bytes to train on (1 = all); documents are taken systematically
    /// through the file, so the sample is spread over it and the same every run.
    public var fraction: Double
    /// The manifest source the file belongs to, for the stats; nil for files given on the command line.
    public var source: String?

    public init(path: String, fraction: Double = 1, source: String? = nil) {
        self.path = path
        self.fraction = fraction
        self.source = source
    }

    /// JSON lines with a `text` field (`.jsonl`, `.jsonl.zst`, `.json`), else plain text that is one
    /// document per file (`.zst` decompressed).
    public var isJSONLines: Bool {
        let name = path.hasSuffix(".zst") ? String(path.dropLast(4)) : path
        return name.hasSuffix(".jsonl") || name.hasSuffix(".json") || name.hasSuffix(".ndjson")
    }
}

/// Reads training documents from files and feeds them to a `WordCounter` in batches, so memory
/// holds one batch of text at a time plus the word tables.
public enum TokenizerCorpus {
    /// What was read, per source name ("" for command-line files).
    public struct Totals: Sendable, Equatable {
        public struct Count: Sendable, Equatable {
            public var documents = 0
            public var bytes = 0
        }

        public var documents = 0
        public var bytes = 0
        public var bySource: [String: Count] = [:]
    }

    private struct TextRecord: Decodable {
        var text: String
    }

    /// Counts the words of every (sampled) document of `files`. `progress` counts the bytes read.
    public static func count(_ files: [TokenizerInputFile], into counter: WordCounter, batchBytes: Int = 16 << 20,
                             progress: ProgressCounters? = nil) throws -> Totals {
        try count(files, into: { counter.add($0) }, batchBytes: batchBytes, progress: progress)
    }

    /// Reads every (sampled) document of `files`, handing them to `consume` in batches of about `batchBytes`.
    public static func count(_ files: [TokenizerInputFile], into consume: ([String]) throws -> Void, batchBytes: Int = 16 << 20,
                             progress: ProgressCounters? = nil) throws -> Totals {
        var totals = Totals()
        var batch: [String] = []
        var batchSize = 0
        func flush() throws {
            try consume(batch)
            batch.removeAll(keepingCapacity: true)
            batchSize = 0
        }
        for file in files {
            var credit = 0.0
            let source = file.source ?? ""
            try forEachDocument(file) { text, rawSize in
                progress?.bytesDone.add(rawSize, ordering: .relaxed)
                let size = text.utf8.count
                if file.fraction < 1 {
                    credit += file.fraction * Double(size)
                    guard credit >= Double(size) else { return }
                    credit -= Double(size)
                }
                batch.append(text)
                batchSize += size
                totals.documents += 1
                totals.bytes += size
                totals.bySource[source, default: Totals.Count()].documents += 1
                totals.bySource[source, default: Totals.Count()].bytes += size
                progress?.documents.add(1, ordering: .relaxed)
                if batchSize >= batchBytes { try flush() }
            }
            progress?.filesDone.add(1, ordering: .relaxed)
        }
        try flush()
        return totals
    }

    /// Calls `body` with the text of each document of the file (all of them, whatever the fraction).
    public static func forEachText(_ file: TokenizerInputFile, _ body: (String) throws -> Void) throws {
        try forEachDocument(file) { text, _ in try body(text) }
    }

    /// Calls `body` with each document of the file and the bytes it took in the (decompressed) file.
    static func forEachDocument(_ file: TokenizerInputFile, _ body: (String, Int) throws -> Void) throws {
        guard FileSystem.exists(file.path) else { throw FileError(path: file.path, message: "no such file") }
        if file.isJSONLines {
            try DocumentReader<TextRecord>(path: file.path).forEach({ record, line in
                try body(record.text, line.bytes.count + 1)
            }, onBadLine: { bad in
                throw CorruptInputError(path: bad.path, offset: bad.offset,
                                        message: "not a JSON object with a string field 'text': \(bad.reason)")
            })
        } else {
            var bytes: [UInt8] = []
            if file.path.hasSuffix(".zst") {
                let decompressor = try ZstdDecompressor()
                var offset = 0
                try FileInput.readChunks(path: file.path) { chunk in
                    do {
                        try decompressor.decompress(chunk) { bytes.append(contentsOf: $0) }
                    } catch let error as ZstdError {
                        throw CorruptInputError(path: file.path, offset: offset, message: error.description)
                    }
                    offset += chunk.count
                }
                if decompressor.insideFrame {
                    throw CorruptInputError(path: file.path, offset: offset, message: "zstd: truncated frame")
                }
            } else {
                bytes = try FileInput.readAll(path: file.path)
            }
            // Invalid UTF-8 becomes U+FFFD, as a decoding reader would give it.
            try body(String(decoding: bytes, as: UTF8.self), bytes.count)
        }
    }
}
