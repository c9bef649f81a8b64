import CorpusIO
import Foundation
@testable import Curation

/// A temporary folder removed when the value is released.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("plm-test-" + UUID().uuidString).path
        try FileSystem.createDirectory(path)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let full = path + "/" + relative
        try FileSystem.createDirectory((full as NSString).deletingLastPathComponent)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    func write(_ relative: String, _ text: String) throws { try write(relative, Array(text.utf8)) }

    /// An archive with the given members, through libarchive's writer.
    func archive(_ relative: String, format: ArchiveWriter.Format, filter: ArchiveWriter.Filter = .none,
                 _ members: [(String, [UInt8])]) throws {
        let full = path + "/" + relative
        try FileSystem.createDirectory((full as NSString).deletingLastPathComponent)
        let writer = try ArchiveWriter(path: full, format: format, filter: filter)
        for (name, bytes) in members { try writer.add(path: name, bytes: bytes, modificationTime: 1_700_000_000) }
        try writer.close()
    }

    /// One compressed stream (`.gz`, `.xz`, `.bz2`, `.zst`).
    func compressed(_ relative: String, filter: ArchiveWriter.Filter, _ bytes: [UInt8]) throws {
        try archive(relative, format: .raw, filter: filter, [("data", bytes)])
    }

    func read(_ relative: String) throws -> [UInt8] { try FileInput.readAll(path: path + "/" + relative) }
}

/// A corpus with one of every input ingest handles, good and bad, and the counts it must give.
enum FixtureCorpus {
    static let text = "The quick brown fox jumps over the lazy dog.\nA second line.\n"
    static let config = IngestConfig(tasks: 4, maxDocumentBytes: 6 << 20, maxCompressionRatio: 100,
                                     ratioFloorBytes: 1 << 20, archiveDepth: 1, maxInvalidUTF8Fraction: 0.1,
                                     minTextBytes: 1)

    /// Builds the corpus under `folder/corpus` and returns its sources.
    static func build(in folder: TemporaryFolder) throws -> [SourceSpec] {
        let t = Array(text.utf8)
        // Plain files.
        try folder.write("corpus/docs/a.txt", text)
        try folder.write("corpus/docs/crlf.md", "line one\r\nline two\rline three\r\n")
        try folder.write("corpus/docs/sub/code.py", "def f():\n    return 1\n")
        try folder.write("corpus/docs/page.html", "<html><head><title>T</title><style>p{}</style></head><body><p>Hello &amp; welcome</p><script>x()</script></body></html>")
        try folder.write("corpus/docs/binary.bin.txt", [0x41, 0x00, 0x42])
        try folder.write("corpus/docs/empty.txt", "  \n\t\n")
        try folder.write("corpus/docs/latin1.txt", Array("caf".utf8) + [0xE9] + Array(" au lait, a longer sentence in Latin-1".utf8))
        try folder.write("corpus/docs/garbage.txt", (0..<400).map { UInt8(0x80 + $0 % 60) })
        try folder.write("corpus/docs/huge.txt", [UInt8](repeating: UInt8(ascii: "x"), count: (6 << 20) + 1))
        try folder.write("corpus/docs/bom.txt", [0xEF, 0xBB, 0xBF] + Array("with a byte-order mark".utf8))
        try folder.write("corpus/docs/skipme.log", "excluded by pattern")
        // Single compressed files.
        try folder.compressed("corpus/docs/z1.txt.gz", filter: .gzip, t)
        try folder.compressed("corpus/docs/z2.txt.zst", filter: .zstd, t)
        try folder.compressed("corpus/docs/z3.txt.xz", filter: .xz, t)
        try folder.compressed("corpus/docs/z4.txt.bz2", filter: .bzip2, t)
        try folder.compressed("corpus/docs/bomb.txt.gz", filter: .gzip, [UInt8](repeating: UInt8(ascii: "a"), count: 3 << 20))
        let gz = try folder.read("corpus/docs/z1.txt.gz")
        try folder.write("corpus/docs/truncated.txt.gz", Array(gz.prefix(gz.count / 2)))
        // Archives: every container and filter, nesting, damage.
        let innerZip = try zipBytes(folder, [("inner.txt", Array("inside the zip".utf8))])
        let deepZip = try zipBytes(folder, [("deep.zip", innerZip)])
        let members: [(String, [UInt8])] = [
            ("m/a.txt", t), ("m/b.html", Array("<p>member &lt;html&gt;</p>".utf8)),
            ("m/c.txt.gz", try folder.gzipBytes(t)), ("m/inner.zip", innerZip), ("m/deep.zip", deepZip),
            ("m/bin.txt", [0, 1, 2, 3]),
        ]
        try folder.archive("corpus/archives/all.tar.gz", format: .tar, filter: .gzip, members)
        try folder.archive("corpus/archives/all.zip", format: .zip, members)
        try folder.archive("corpus/archives/t.tar.zst", format: .tar, filter: .zstd, [("x.txt", t)])
        try folder.archive("corpus/archives/t.tar.xz", format: .tar, filter: .xz, [("x.txt", t)])
        try folder.archive("corpus/archives/t.tar.bz2", format: .tar, filter: .bzip2, [("x.txt", t)])
        try folder.archive("corpus/archives/t.tar", format: .tar, [("x.txt", t)])
        try folder.write("corpus/archives/garbage.tar.gz", Array("this is not an archive at all".utf8))
        // A tar.gz cut short: its first member survives, the rest is lost and counted.
        var seed: UInt32 = 12345
        let noise: [UInt8] = (0..<200_000).map { _ in
            seed = seed &* 1_103_515_245 &+ 12345
            return UInt8(ascii: "a") + UInt8((seed >> 16) % 26)
        }
        try folder.archive("corpus/tmp/cut.tar.gz", format: .tar, filter: .gzip, [("first.txt", t), ("second.txt", noise)])
        let cut = try folder.read("corpus/tmp/cut.tar.gz")
        try FileManager.default.removeItem(atPath: folder.path + "/corpus/tmp")
        try folder.write("corpus/archives/cut.tar.gz", Array(cut.prefix(cut.count / 2)))
        // JSONL in every compression.
        let jsonl = """
        {"id": "r1", "text": "first record", "url": "https://example.com/1", "meta": {"n": 12345678901234}}
        {"id": "r2", "text": "second record", "path": "their own path"}
        not json at all
        {"id": "r4", "body": "no text field"}

        {"id": "r6", "text": "   "}
        ["an", "array"]
        {"id": "r8", "text": "last record without newline"}
        """
        try folder.write("corpus/jsonl/plain.jsonl", jsonl)
        try folder.compressed("corpus/jsonl/gz.jsonl.gz", filter: .gzip, Array(jsonl.utf8))
        try folder.compressed("corpus/jsonl/zst.jsonl.zst", filter: .zstd, Array(jsonl.utf8))
        try folder.compressed("corpus/jsonl/xz.jsonl.xz", filter: .xz, Array(jsonl.utf8))
        let root = folder.path + "/corpus"
        return [
            SourceSpec(name: "docs", paths: [root + "/docs"], exclude: ["*.log"], domain: "prose", license: "test"),
            SourceSpec(name: "archives", paths: [root + "/archives"], domain: "web", license: "test"),
            SourceSpec(name: "records", paths: [root + "/jsonl/*.jsonl*"], kind: .jsonl, domain: "web",
                       license: "cc-by"),
        ]
    }

    private static func zipBytes(_ folder: TemporaryFolder, _ members: [(String, [UInt8])]) throws -> [UInt8] {
        let name = "scratch-\(UUID().uuidString).zip"
        try folder.archive(name, format: .zip, members)
        defer { try? FileManager.default.removeItem(atPath: folder.path + "/" + name) }
        return try folder.read(name)
    }
}

extension TemporaryFolder {
    func gzipBytes(_ bytes: [UInt8]) throws -> [UInt8] {
        let name = "scratch-\(UUID().uuidString).gz"
        try compressed(name, filter: .gzip, bytes)
        defer { try? FileManager.default.removeItem(atPath: path + "/" + name) }
        return try read(name)
    }
}

/// Every document ingest wrote under `root`, by output file, in file order.
func readIngestOutput(root: String) throws -> [String: [Document]] {
    var result: [String: [Document]] = [:]
    for source in FileSystem.list(root + "/ingest") {
        for file in FileSystem.list(root + "/ingest/" + source) where file.hasSuffix(".jsonl.zst") {
            var documents: [Document] = []
            try ZstdLineReader.forEachLine(path: "\(root)/ingest/\(source)/\(file)") { line in
                guard case .line(let bytes, _) = line else { return }
                documents.append(try JSONDecoder().decode(Document.self, from: Data(bytes)))
            }
            result["\(source)/\(file)"] = documents
        }
    }
    return result
}

/// The raw bytes of every file under `folder`, by relative path.
func snapshot(_ folder: String) throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    guard let walker = FileManager.default.enumerator(atPath: folder) else { return result }
    while let relative = walker.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
            result[relative] = try FileInput.readAll(path: folder + "/" + relative)
        }
    }
    return result
}
