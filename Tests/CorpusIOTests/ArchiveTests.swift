import Foundation
import Testing
@testable import CorpusIO

/// One member to write into an archive.
private struct Member: Equatable {
    var path: String
    var bytes: [UInt8]
    var modificationTime: Int
}

/// The fields of an `ArchiveEntry`, comparable.
private struct EntryFacts: Equatable {
    var path: String
    var size: Int?
    var isRegularFile: Bool
    var modificationTime: Int

    init(path: String, size: Int?, isRegularFile: Bool, modificationTime: Int) {
        self.path = path
        self.size = size
        self.isRegularFile = isRegularFile
        self.modificationTime = modificationTime
    }

    init(_ entry: ArchiveEntry) {
        self.init(path: entry.path, size: entry.size, isRegularFile: entry.isRegularFile,
                  modificationTime: entry.modificationTime)
    }
}

/// What a reader returned for one member.
private struct ReadMember: Equatable {
    var entry: EntryFacts
    var bytes: [UInt8]
}

private let members: [Member] = [
    Member(path: "a.txt", bytes: bytes("hello, archive\n"), modificationTime: 1_700_000_000),
    Member(path: "dir/b.bin", bytes: pseudoRandomBytes(count: 100_000, seed: 11), modificationTime: 1_234_567_890),
    Member(path: "dir/sub/empty", bytes: [], modificationTime: 0),
    Member(path: "text.txt", bytes: textBytes(count: 300_000), modificationTime: 86_399),
]

private func writeArchive(_ path: String, format: ArchiveWriter.Format, filter: ArchiveWriter.Filter,
                          _ members: [Member]) throws {
    let writer = try ArchiveWriter(path: path, format: format, filter: filter)
    for member in members {
        try writer.add(path: member.path, bytes: member.bytes, modificationTime: member.modificationTime)
    }
    try writer.close()
}

/// Reads the current member to its end with reads of at most `bufferSize` bytes.
private func readData(_ reader: ArchiveReader, bufferSize: Int = 4096) throws -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: bufferSize)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
        if count == 0 { return result }
        #expect(count <= bufferSize)
        result.append(contentsOf: buffer[0..<count])
    }
}

private func readAllMembers(_ reader: ArchiveReader, bufferSize: Int = 4096) throws -> [ReadMember] {
    var result: [ReadMember] = []
    while let entry = try reader.nextEntry() {
        result.append(ReadMember(entry: EntryFacts(entry), bytes: try readData(reader, bufferSize: bufferSize)))
    }
    return result
}

private func expected(_ members: [Member]) -> [ReadMember] {
    members.map {
        ReadMember(entry: EntryFacts(path: $0.path, size: $0.bytes.count, isRegularFile: true,
                                       modificationTime: $0.modificationTime),
                   bytes: $0.bytes)
    }
}

private func filterName(_ filter: ArchiveWriter.Filter) -> [String] {
    switch filter {
    case .none: []
    case .gzip: ["gzip"]
    case .zstd: ["zstd"]
    case .xz: ["xz"]
    case .bzip2: ["bzip2"]
    }
}

@Suite("Archive")
struct ArchiveTests {
    static let tarFilters: [ArchiveWriter.Filter] = [.none, .gzip, .zstd, .xz, .bzip2]

    @Test("tar written with each filter reads back from a path", arguments: tarFilters)
    func tarFromPath(filter: ArchiveWriter.Filter) throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/corpus.tar"
            try writeArchive(path, format: .tar, filter: filter, members)
            let reader = try ArchiveReader(path: path, mode: .archive)
            #expect(try readAllMembers(reader) == expected(members))
            #expect(reader.filterNames == filterName(filter))
        }
    }

    @Test("tar written with each filter reads back from memory", arguments: tarFilters)
    func tarFromMemory(filter: ArchiveWriter.Filter) throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/corpus.tar"
            try writeArchive(path, format: .tar, filter: filter, members)
            let reader = try ArchiveReader(bytes: try readFile(path), mode: .archive)
            #expect(try readAllMembers(reader, bufferSize: 1000) == expected(members))
            #expect(reader.filterNames == filterName(filter))
        }
    }

    @Test("zip reads back from a path and from memory")
    func zip() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/corpus.zip"
            try writeArchive(path, format: .zip, filter: .none, members)
            let fromPath = try ArchiveReader(path: path, mode: .archive)
            #expect(try readAllMembers(fromPath) == expected(members))
            #expect(fromPath.filterNames == [])
            let fromMemory = try ArchiveReader(bytes: try readFile(path), mode: .archive)
            #expect(try readAllMembers(fromMemory, bufferSize: 7) == expected(members))
        }
    }

    @Test("a member's data can be skipped: the next header is still found", arguments: [ArchiveWriter.Format.tar, .zip])
    func skipData(format: ArchiveWriter.Format) throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/corpus"
            try writeArchive(path, format: format, filter: .none, members)
            let reader = try ArchiveReader(path: path, mode: .archive)
            var paths: [String] = []
            while let entry = try reader.nextEntry() { paths.append(entry.path) }
            #expect(paths == members.map(\.path))
        }
    }

    @Test("non-ASCII member names survive a round trip", arguments: [ArchiveWriter.Format.tar, .zip])
    func unicodeNames(format: ArchiveWriter.Format) throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/unicode"
            let named = [Member(path: "données/é✓ 日本.txt", bytes: bytes("x"), modificationTime: 5)]
            try writeArchive(path, format: format, filter: .none, named)
            let reader = try ArchiveReader(path: path, mode: .archive)
            #expect(try readAllMembers(reader) == expected(named))
        }
    }

    @Test("a tar made by the system tar CLI reads back", .enabled(if: toolExists("/usr/bin/tar")))
    func systemTar() throws {
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: "\(dir)/src/nested", withIntermediateDirectories: true)
            try writeFile("\(dir)/src/one.txt", bytes("one\n"))
            try writeFile("\(dir)/src/nested/two.bin", pseudoRandomBytes(count: 5000, seed: 2))
            try setModificationTime("\(dir)/src/one.txt", 1_600_000_000)
            let status = try runTool("/usr/bin/tar", ["-C", "\(dir)/src", "-czf", "\(dir)/made.tgz",
                                                      "one.txt", "nested"])
            try #require(status == 0)
            let reader = try ArchiveReader(path: "\(dir)/made.tgz", mode: .archive)
            let read = try readAllMembers(reader)
            #expect(reader.filterNames == ["gzip"])
            // tar stores the directory itself as a member, with no data.
            #expect(read.map(\.entry.path) == ["one.txt", "nested/", "nested/two.bin"])
            #expect(read.map(\.entry.isRegularFile) == [true, false, true])
            #expect(read[0].bytes == bytes("one\n"))
            #expect(read[0].entry.size == 4)
            #expect(read[0].entry.modificationTime == 1_600_000_000)
            #expect(read[1].bytes == [])
            #expect(read[2].bytes == pseudoRandomBytes(count: 5000, seed: 2))
        }
    }

    @Test("a single compressed stream (raw format) is readable at once after opening",
          arguments: [ArchiveWriter.Filter.gzip, .zstd, .xz, .bzip2, .none])
    func rawStream(filter: ArchiveWriter.Filter) throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/stream"
            let content = mixedBytes(count: 250_000, seed: 5)
            try writeArchive(path, format: .raw, filter: filter,
                             [Member(path: "ignored-name", bytes: content, modificationTime: 99)])
            for reader in [try ArchiveReader(path: path, mode: .compressedStream),
                           try ArchiveReader(bytes: try readFile(path), mode: .compressedStream)] {
                #expect(try readData(reader, bufferSize: 65_536) == content)
                #expect(try reader.nextEntry() == nil)
                #expect(reader.filterNames == filterName(filter))
            }
        }
    }

    @Test("files compressed by the system CLIs read back", arguments: [
        (tool: "/usr/bin/gzip", options: ["-n", "-c"], filter: "gzip"),
        (tool: "/usr/bin/xz", options: ["-c"], filter: "xz"),
        (tool: "/usr/bin/bzip2", options: ["-c"], filter: "bzip2"),
        (tool: "/usr/bin/zstd", options: ["-q", "-c"], filter: "zstd"),
    ])
    func systemCompressors(tool: String, options: [String], filter: String) throws {
        try #require(toolExists(tool), "\(tool) not installed")
        try withTemporaryDirectory { dir in
            let content = mixedBytes(count: 300_000, seed: 9)
            try writeFile("\(dir)/plain", content)
            try #require(try runTool(tool, options + ["\(dir)/plain"], stdout: "\(dir)/packed") == 0)
            let reader = try ArchiveReader(path: "\(dir)/packed", mode: .compressedStream)
            #expect(try readData(reader) == content)
            #expect(reader.filterNames == [filter])
            #expect(reader.compressedBytesConsumed == (try readFile("\(dir)/packed")).count)
        }
    }

    @Test("two gzip members concatenated read as one stream", .enabled(if: toolExists("/usr/bin/gzip")))
    func concatenatedGzip() throws {
        try withTemporaryDirectory { dir in
            try writeFile("\(dir)/one", bytes("first part\n"))
            try writeFile("\(dir)/two", bytes("second part\n"))
            try #require(try runTool("/usr/bin/gzip", ["-n", "-c", "\(dir)/one"], stdout: "\(dir)/one.gz") == 0)
            try #require(try runTool("/usr/bin/gzip", ["-n", "-c", "\(dir)/two"], stdout: "\(dir)/two.gz") == 0)
            let joined = try readFile("\(dir)/one.gz") + readFile("\(dir)/two.gz")
            let reader = try ArchiveReader(bytes: joined, mode: .compressedStream)
            #expect(try readData(reader) == bytes("first part\nsecond part\n"))
        }
    }

    @Test("compressedBytesConsumed grows while reading and ends at the file size")
    func compressedBytesConsumedGrows() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/big.gz"
            // Incompressible, so the compressed file is about as large as the content.
            let content = pseudoRandomBytes(count: 2_000_000, seed: 4)
            try writeArchive(path, format: .raw, filter: .gzip, [Member(path: "x", bytes: content, modificationTime: 0)])
            let fileSize = try readFile(path).count
            let reader = try ArchiveReader(path: path, mode: .compressedStream, blockSize: 1 << 16)
            var observed: [Int] = []
            var total = 0
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { break }
                total += count
                observed.append(reader.compressedBytesConsumed)
            }
            #expect(total == content.count)
            #expect(observed.first! > 0)
            #expect(observed.first! < fileSize / 2)
            #expect(observed == observed.sorted())
            #expect(Set(observed).count > 10)
            #expect(reader.compressedBytesConsumed == fileSize)
        }
    }

    @Test("a bomb: few compressed bytes consumed for many output bytes")
    func expansionRatioVisible() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/zeros.zst"
            try writeArchive(path, format: .raw, filter: .zstd,
                             [Member(path: "x", bytes: [UInt8](repeating: 0, count: 20_000_000), modificationTime: 0)])
            let fileSize = try readFile(path).count
            #expect(fileSize < 10_000)
            let reader = try ArchiveReader(path: path, mode: .compressedStream)
            var total = 0
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { break }
                total += count
                #expect(reader.compressedBytesConsumed <= fileSize)
            }
            #expect(total == 20_000_000)
            #expect(reader.compressedBytesConsumed == fileSize)
        }
    }

    @Test("a truncated tar.gz: earlier members read, then an error and lastReadFailed")
    func truncatedTarGz() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/cut.tar.gz"
            let cutMembers = [
                Member(path: "first.txt", bytes: textBytes(count: 2000), modificationTime: 10),
                Member(path: "second.txt", bytes: bytes("second\n"), modificationTime: 20),
                Member(path: "third.bin", bytes: pseudoRandomBytes(count: 1_000_000, seed: 8), modificationTime: 30),
                Member(path: "fourth.txt", bytes: bytes("never reached\n"), modificationTime: 40),
            ]
            try writeArchive(path, format: .tar, filter: .gzip, cutMembers)
            let whole = try readFile(path)
            let cut = Array(whole.prefix(whole.count / 2))  // inside third.bin's data

            try readUntilFailure(try ArchiveReader(bytes: cut, mode: .archive), cutMembers)
            try writeFile(path, cut)
            try readUntilFailure(try ArchiveReader(path: path, mode: .archive), cutMembers)
        }
    }

    /// Reads the first two members whole, then fails inside the third.
    private func readUntilFailure(_ reader: ArchiveReader, _ cutMembers: [Member]) throws {
        for member in cutMembers.prefix(2) {
            let entry = try #require(try reader.nextEntry())
            #expect(entry.path == member.path)
            #expect(try readData(reader) == member.bytes)
            #expect(!reader.lastReadFailed)
        }
        let third = try #require(try reader.nextEntry())
        #expect(third.path == "third.bin")
        #expect(third.size == 1_000_000)
        #expect(!reader.lastReadFailed)
        let error = try #require(throws: ArchiveError.self) { _ = try readData(reader, bufferSize: 65_536) }
        #expect(error.message == "truncated gzip input")
        #expect(error.description == "libarchive: truncated gzip input")
        #expect(error.fatal)
        #expect(reader.lastReadFailed)
        // The handle is unusable afterwards: no further member is returned.
        #expect(throws: ArchiveError.self) { _ = try reader.nextEntry() }
    }

    /// Rewrites the compression method of the zip member `name`, in its local header and in the
    /// central directory, to `method`.
    private func setZipMethod(_ zip: inout [UInt8], member name: String, method: UInt16) {
        func u16(_ at: Int) -> Int { Int(zip[at]) | Int(zip[at + 1]) << 8 }
        let nameBytes = Array(name.utf8)
        var patched = 0
        var i = 0
        while i + 46 < zip.count {
            let signature = Array(zip[i..<(i + 4)])
            if signature == [0x50, 0x4B, 0x03, 0x04], Array(zip[(i + 30)..<(i + 30 + u16(i + 26))]) == nameBytes {
                zip[i + 8] = UInt8(method & 0xFF); zip[i + 9] = UInt8(method >> 8); patched += 1
            } else if signature == [0x50, 0x4B, 0x01, 0x02], Array(zip[(i + 46)..<(i + 46 + u16(i + 28))]) == nameBytes {
                zip[i + 10] = UInt8(method & 0xFF); zip[i + 11] = UInt8(method >> 8); patched += 1
            }
            i += 1
        }
        #expect(patched == 2)
    }

    @Test("a member with an unsupported zip method fails alone; later members still read")
    func unsupportedZipMethod() throws {
        try withTemporaryDirectory { dir in
            let zipMembers = [
                Member(path: "good1.txt", bytes: bytes("first\n"), modificationTime: 1),
                Member(path: "bad.txt", bytes: textBytes(count: 5000), modificationTime: 2),
                Member(path: "good2.txt", bytes: bytes("third\n"), modificationTime: 3),
            ]
            try writeArchive("\(dir)/m.zip", format: .zip, filter: .none, zipMembers)
            var zip = try readFile("\(dir)/m.zip")
            setZipMethod(&zip, member: "bad.txt", method: 19)  // IBM LZ77 z: not supported by libarchive
            let reader = try ArchiveReader(bytes: zip, mode: .archive)
            #expect(try reader.nextEntry()?.path == "good1.txt")
            #expect(try readData(reader) == bytes("first\n"))
            #expect(try reader.nextEntry()?.path == "bad.txt")
            let error = try #require(throws: ArchiveError.self) { _ = try readData(reader) }
            #expect(error.message == "Unsupported ZIP compression method (19: ibm-lz777)")
            // libarchive returned ARCHIVE_FAILED (this entry only), not ARCHIVE_FATAL.
            #expect(!error.fatal)
            #expect(!reader.lastReadFailed)
            // The handle is in fact still usable: the next member reads normally.
            #expect(try reader.nextEntry()?.path == "good2.txt")
            #expect(try readData(reader) == bytes("third\n"))
        }
    }

    @Test("garbage given as an archive throws ArchiveError")
    func garbageArchive() throws {
        let garbage = textBytes(count: 5000)
        let error = try #require(throws: ArchiveError.self) {
            let reader = try ArchiveReader(bytes: garbage, mode: .archive)
            _ = try reader.nextEntry()
        }
        #expect(error.message == "Unrecognized archive format")
        #expect(error.fatal)
    }

    @Test("garbage inside a recognised compression filter throws ArchiveError")
    func garbageAfterGzipMagic() throws {
        // gzip magic and header, then junk where deflate data should be.
        let bad: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03] + [UInt8](repeating: 0xFF, count: 200)
        #expect(throws: ArchiveError.self) {
            let reader = try ArchiveReader(bytes: bad, mode: .compressedStream)
            _ = try readData(reader)
        }
    }

    @Test("a missing file throws ArchiveError naming it")
    func missingFile() throws {
        try withTemporaryDirectory { dir in
            let error = try #require(throws: ArchiveError.self) {
                _ = try ArchiveReader(path: "\(dir)/absent.tar", mode: .archive)
            }
            #expect(error.message.contains("absent.tar"))
        }
    }

    @Test("empty input as an archive has no members")
    func emptyArchive() throws {
        try withTemporaryDirectory { dir in
            try writeFile("\(dir)/empty", [])
            let fromPath = try ArchiveReader(path: "\(dir)/empty", mode: .archive)
            #expect(try fromPath.nextEntry() == nil)
            let fromMemory = try ArchiveReader(bytes: [], mode: .archive)
            #expect(try fromMemory.nextEntry() == nil)
        }
    }

    @Test("an empty compressed stream reads as zero bytes", arguments: [ArchiveWriter.Filter.none, .gzip, .zstd, .xz, .bzip2])
    func emptyStream(filter: ArchiveWriter.Filter) throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/empty-stream"
            if filter == .none {
                try writeFile(path, [])
            } else {
                try writeArchive(path, format: .raw, filter: filter, [Member(path: "x", bytes: [], modificationTime: 0)])
            }
            let reader = try ArchiveReader(path: path, mode: .compressedStream)
            #expect(try readData(reader) == [])
            let fromMemory = try ArchiveReader(bytes: try readFile(path), mode: .compressedStream)
            #expect(try readData(fromMemory) == [])
        }
    }

    @Test("an empty tar (no members) reads as no members", arguments: tarFilters)
    func emptyTar(filter: ArchiveWriter.Filter) throws {
        try withTemporaryDirectory { dir in
            try writeArchive("\(dir)/none.tar", format: .tar, filter: filter, [])
            let reader = try ArchiveReader(path: "\(dir)/none.tar", mode: .archive)
            #expect(try reader.nextEntry() == nil)
        }
    }

    @Test("an archive stored inside another archive reads from memory")
    func nestedArchive() throws {
        try withTemporaryDirectory { dir in
            let inner = [Member(path: "inner.txt", bytes: bytes("deep\n"), modificationTime: 7)]
            try writeArchive("\(dir)/inner.tar.xz", format: .tar, filter: .xz, inner)
            let outer = [Member(path: "inner.tar.xz", bytes: try readFile("\(dir)/inner.tar.xz"), modificationTime: 8)]
            try writeArchive("\(dir)/outer.zip", format: .zip, filter: .none, outer)

            let outerReader = try ArchiveReader(path: "\(dir)/outer.zip", mode: .archive)
            let entry = try #require(try outerReader.nextEntry())
            #expect(entry.path == "inner.tar.xz")
            let innerBytes = try readData(outerReader)
            let innerReader = try ArchiveReader(bytes: innerBytes, mode: .archive)
            #expect(try readAllMembers(innerReader) == expected(inner))
            #expect(innerReader.filterNames == ["xz"])
        }
    }

    @Test("ArchiveReader works through the ByteSource protocol")
    func byteSource() throws {
        try withTemporaryDirectory { dir in
            let content = textBytes(count: 10_000)
            try writeArchive("\(dir)/s.bz2", format: .raw, filter: .bzip2, [Member(path: "s", bytes: content, modificationTime: 0)])
            let reader = try ArchiveReader(path: "\(dir)/s.bz2", mode: .compressedStream)
            let source: any ByteSource = reader
            var result: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 333)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { break }
                result.append(contentsOf: buffer[0..<count])
            }
            #expect(result == content)
            #expect(source.compressedBytesConsumed == (try readFile("\(dir)/s.bz2")).count)
        }
    }

    @Test("writing to a folder that does not exist throws ArchiveError")
    func writerMissingFolder() throws {
        try withTemporaryDirectory { dir in
            #expect(throws: ArchiveError.self) {
                _ = try ArchiveWriter(path: "\(dir)/no/such/folder/x.tar", format: .tar)
            }
        }
    }
}
