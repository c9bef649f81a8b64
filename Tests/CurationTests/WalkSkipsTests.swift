import CorpusIO
import Foundation
import Testing
@testable import Curation
import Stages

/// Issue 15: names that are not UTF-8 were dropped without a trace, and what the folder walk skipped went
/// only to standard error.
@Suite("Folder walk: names that are not UTF-8, and skips on record")
struct WalkSkipsTests {
    /// Creates a file whose path is given as bytes.
    private func create(_ path: [UInt8], _ text: String) throws {
        let descriptor = (path + [0]).withUnsafeBufferPointer {
            open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        #expect(descriptor >= 0)
        _ = Array(text.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    @Test("a file or folder whose name is not UTF-8 is read, its name kept with the bytes escaped as \\xNN")
    func nonUTF8Names() throws {
        let folder = try TemporaryFolder()
        let root = folder.path + "/corpus"
        try FileSystem.createDirectory(root)
        let base = Array(root.utf8)
        try create(base + Array("/caf".utf8) + [0xE9] + Array(".txt".utf8), "latin-1 name\n")
        let directory = base + [0x2F, 0x64, 0xFF]   // "/d\xff"
        #expect((directory + [0]).withUnsafeBufferPointer { mkdir(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), 0o755) } == 0)
        try create(directory + Array("/inner.txt".utf8), "inside a folder with a non-UTF-8 name\n")
        try create(base + Array("/plain.txt".utf8), "plain name\n")
        // A symlink loop: recorded as a skip of the source, in task 0's stats and log.
        try FileManager.default.createSymbolicLink(atPath: root + "/loop", withDestinationPath: root)
        // A link to nothing: its own reason, not "unreadable".
        try FileManager.default.createSymbolicLink(atPath: root + "/gone.txt", withDestinationPath: root + "/nowhere.txt")

        let sources = [SourceSpec(name: "s", paths: [root], domain: "prose", license: "test")]
        var config = IngestConfig()
        config.tasks = 2
        let stats = totals(try ingest(sources, root: folder.path + "/run", config: config))
        let documents = try readIngestOutput(root: folder.path + "/run").values.joined()
        let byID = Dictionary(uniqueKeysWithValues: documents.map { ($0.id, $0.text) })
        #expect(byID["s/caf\\xe9.txt"] == "latin-1 name\n")
        #expect(byID["s/d\\xff/inner.txt"] == "inside a folder with a non-UTF-8 name\n")
        #expect(byID["s/plain.txt"] == "plain name\n")
        #expect(stats["s"]?.documents == 3 && stats["s"]?.skipped == ["symlink_loop": 1, "dangling_link": 1])
        let log = String(decoding: try FileInput.readAll(path: folder.path + "/run/logs/ingest/00000.log"), as: UTF8.self)
        #expect(log.contains("skip symlink_loop s \(root)/loop") && log.contains("(folder walk)"))
        #expect(log.contains("skip dangling_link s \(root)/gone.txt"))
    }
}
