import CorpusIO
import Curation
import Foundation
import LanguageID
import Pipeline
import PLMInference
import PLMModel
import Shards
import Stages
import Tokenization

/// Every reader of outside bytes, as one libFuzzer entry each. A target must never crash, hang or read
/// out of bounds on any input: an error thrown is a correct outcome. Readers that take a path get the
/// input written to a scratch file first (what they do with a file is what is being tested).
enum FuzzTarget: String, CaseIterable {
    case yaml, jsonl, html, tokenizer, mdsIndex = "mds-index", mdsShard = "mds-shard", safetensors, gguf
    case mo, fasttext

    /// Scratch folder of this process (libFuzzer runs one input at a time per process), removed when the
    /// process exits so that neither fuzzing nor the replay tests leave one behind per run.
    static let scratch: String = {
        let folder = scratchPath()
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: FuzzTarget.scratchPath()) }
        return folder
    }()

    private static func scratchPath() -> String { NSTemporaryDirectory() + "plm-fuzz-\(getpid())" }

    static func file(_ name: String, _ bytes: UnsafeRawBufferPointer) -> String {
        let path = scratch + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .yaml:
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? Manifest.parse(yaml: text, path: "fuzz.yaml")
            if let pipeline = try? PipelineConfig.parse(yaml: text, path: "fuzz.yaml") {
                _ = try? pipeline.modelSettings()
                _ = try? pipeline.scheduleSettings()
                _ = try? pipeline.evalSettings()
                _ = try? TokenizerConfig.load(from: pipeline)
            }
        case .jsonl:
            let path = Self.file("docs.jsonl", bytes)
            try? DocumentReader<Document>(path: path).forEach({ _, _ in }, onBadLine: { _ in })
            try? DocumentReader<PackRecord>(path: path).forEach({ record, line in
                _ = PackRecordParser.parse(record, defaultSource: "s", lineNumber: line.number)
            }, onBadLine: { _ in })
            // Ingest reads JSONL inputs with its own record parser (the file as the stage reads it, no output).
            let source = SourceSpec(name: "s", paths: [path], kind: .jsonl, domain: "web", license: "x")
            var line: [UInt8] = []
            _ = try? ingestDocuments(ofFile: path, source: source, config: IngestConfig()) { document in
                line.removeAll(keepingCapacity: true)
                document.jsonLine(into: &line)
            }
        case .html:
            _ = HTMLText.extract(bytes: bytes)
        case .tokenizer:
            if let model = try? TokenizerFileReader.parse(Data(bytes), path: "fuzz.json") {
                let tokenizer = try? BPETokenizer(model: model)
                _ = tokenizer?.encode("Hello, world! 123 <|im_start|>", allowSpecial: true)
            }
        case .mdsIndex:
            let folder = Self.scratch + "/index"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: folder + "/index.json", contents: Data(bytes))
            if let reader = try? ShardReader(directory: folder) {
                for index in 0..<min(reader.sampleCount, 16) { _ = try? reader.sample(at: index) }
            }
        case .mdsShard:
            // A fixed index whose size and hash match the input, so the shard's own parsing is reached.
            let folder = Self.scratch + "/shard"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: folder + "/shard.00000.mds", contents: Data(bytes))
            let samples = bytes.count >= 4 ? Int(bytes.loadUnaligned(as: UInt32.self)) % 64 : 0
            let index = """
                {"shards": [{"column_encodings": ["ndarray:int32", "ndarray:uint8"], "column_names": ["tokens", "loss_mask"],
                "column_sizes": [null, null], "compression": null, "format": "mds", "hashes": ["xxh3_64"],
                "raw_data": {"basename": "shard.00000.mds", "bytes": \(bytes.count), "hashes": {"xxh3_64": "\(ShardHash.xxh3_64.digest(bytes))"}},
                "samples": \(samples), "size_limit": 67108864, "version": 2, "zip_data": null}], "version": 2}
                """
            _ = FileManager.default.createFile(atPath: folder + "/index.json", contents: Data(index.utf8))
            if let reader = try? ShardReader(directory: folder) {
                for sample in 0..<reader.sampleCount { _ = try? reader.sample(at: sample) }
            }
        case .safetensors:
            let path = Self.file("model.safetensors", bytes)
            if let file = try? SafeTensorsFile(path: path) {
                for entry in file.entries.prefix(8) where entry.count < 1 << 16 {
                    var values = [Float](repeating: 0, count: entry.count)
                    values.withUnsafeMutableBufferPointer { _ = try? file.read(entry, into: $0) }
                }
            }
        case .gguf:
            let path = Self.file("model.gguf", bytes)
            if let model = try? PLMGGUFModel(path: path) {
                _ = try? GGUFTokenizer(file: model.file)
            }
        case .mo:
            if let entries = try? MOCatalog.parse(Array(bytes), path: "fuzz.mo") {
                for entry in entries.prefix(64) {
                    _ = CatalogText.clean(entry.original)
                    for form in entry.translations { _ = CatalogText.clean(form) }
                }
            }
        case .fasttext:
            if let model = try? FastTextFile.parse(Array(bytes), path: "fuzz.bin") {
                for text in ["Hello world", "__label__x a b c", "", "die Datei\nzwei", String(repeating: "ab ", count: 50)] {
                    _ = model.predict(text, k: -1, threshold: 0)
                    _ = model.predict(text, k: 2, threshold: 0.1)
                }
            }
        }
    }
}
