import Foundation
import Testing
@testable import CorpusIO

@Suite("FileIO")
struct FileIOTests {
    // MARK: AtomicOutputFile

    @Test("only the .tmp exists until commit(); then only the final file")
    func atomicCommit() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/out.bin"
            let file = try AtomicOutputFile(path: path)
            #expect(file.path == path)
            #expect(file.temporaryPath == path + ".tmp")
            try file.write(bytes("hello "))
            try file.write(bytes("world\n"))
            #expect(file.bytesWritten == 12)
            #expect(fileExists(path + ".tmp"))
            #expect(!fileExists(path))
            try file.commit()
            #expect(!fileExists(path + ".tmp"))
            #expect(try readFile(path) == bytes("hello world\n"))
            #expect(FileSystem.list(dir) == ["out.bin"])
        }
    }

    @Test("an uncommitted writer removes its temporary file when released")
    func uncommittedRemovesTemporary() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/out.bin"
            func writeWithoutCommit() throws {
                let file = try AtomicOutputFile(path: path)
                try file.write(pseudoRandomBytes(count: 3 << 20, seed: 1))  // past the buffer: really on disk
                #expect(fileExists(path + ".tmp"))
                #expect(((try? FileManager.default.attributesOfItem(atPath: path + ".tmp"))?[.size] as? Int) == 3 << 20)
            }
            try writeWithoutCommit()
            #expect(!fileExists(path + ".tmp"))
            #expect(!fileExists(path))
            #expect(FileSystem.list(dir) == [])
        }
    }

    @Test("commit replaces an existing file, which stays intact until then")
    func commitReplaces() throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/stats.json"
            try writeFile(path, bytes("old"))
            let file = try AtomicOutputFile(path: path)
            try file.write(bytes("new contents"))
            #expect(try readFile(path) == bytes("old"))
            try file.commit()
            #expect(try readFile(path) == bytes("new contents"))
        }
    }

    @Test("small and large writes interleaved arrive in order", arguments: [0, 1, 1 << 20, (1 << 20) + 1])
    func mixedWriteSizes(bigSize: Int) throws {
        try withTemporaryDirectory { dir in
            let path = "\(dir)/mixed"
            let pieces: [[UInt8]] = [
                bytes("head"), pseudoRandomBytes(count: bigSize, seed: 2), bytes("middle"),
                pseudoRandomBytes(count: (1 << 20) - 3, seed: 3), pseudoRandomBytes(count: bigSize, seed: 4), bytes("tail"),
            ]
            let file = try AtomicOutputFile(path: path)
            for piece in pieces { try file.write(piece) }
            #expect(file.bytesWritten == pieces.map(\.count).reduce(0, +))
            try file.commit()
            #expect(try readFile(path) == pieces.flatMap { $0 })
        }
    }

    @Test("an empty committed file exists and is empty")
    func emptyCommit() throws {
        try withTemporaryDirectory { dir in
            let file = try AtomicOutputFile(path: "\(dir)/empty")
            try file.commit()
            #expect(try readFile("\(dir)/empty") == [])
        }
    }

    @Test("opening in a missing folder throws FileError naming the temporary path")
    func atomicMissingFolder() throws {
        try withTemporaryDirectory { dir in
            let error = try #require(throws: FileError.self) { _ = try AtomicOutputFile(path: "\(dir)/no/out") }
            #expect(error.path == "\(dir)/no/out.tmp")
            #expect(error.message == "No such file or directory")
            #expect(error.description == "\(dir)/no/out.tmp: No such file or directory")
        }
    }

    // MARK: FileInput

    @Test("readAll returns the exact contents", arguments: [0, 1, 65_535, 65_536, 65_537, 300_000])
    func readAll(size: Int) throws {
        try withTemporaryDirectory { dir in
            let content = pseudoRandomBytes(count: size, seed: UInt64(size))
            try writeFile("\(dir)/f", content)
            #expect(try FileInput.readAll(path: "\(dir)/f") == content)
            #expect(try FileInput.readAll(path: "\(dir)/f", limit: size) == content)
        }
    }

    @Test("readAll with a limit below the size throws", arguments: [(size: 1, limit: 0), (size: 10, limit: 9),
                                                                   (size: 200_000, limit: 100_000)])
    func readAllLimit(size: Int, limit: Int) throws {
        try withTemporaryDirectory { dir in
            try writeFile("\(dir)/f", pseudoRandomBytes(count: size, seed: 5))
            let error = try #require(throws: FileError.self) { _ = try FileInput.readAll(path: "\(dir)/f", limit: limit) }
            #expect(error.path == "\(dir)/f")
            #expect(error.message == "larger than \(limit) bytes")
        }
    }

    @Test("readAll on a file whose stat size is 0 but has content (/proc) reads it all and honours the limit",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/version")))
    func readAllSizeLies() throws {
        let expected = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "/proc/version")))
        #expect(expected.count > 10)
        #expect(try FileInput.readAll(path: "/proc/version") == expected)
        #expect(throws: FileError.self) { _ = try FileInput.readAll(path: "/proc/version", limit: 10) }
    }

    @Test("readAll on a missing file throws FileError")
    func readAllMissing() throws {
        try withTemporaryDirectory { dir in
            let error = try #require(throws: FileError.self) { _ = try FileInput.readAll(path: "\(dir)/absent") }
            #expect(error.path == "\(dir)/absent")
            #expect(error.message == "No such file or directory")
        }
    }

    @Test("readChunks delivers chunks of the asked size, the last shorter")
    func readChunks() throws {
        try withTemporaryDirectory { dir in
            try writeFile("\(dir)/f", bytes("0123456789"))
            var chunks: [[UInt8]] = []
            try FileInput.readChunks(path: "\(dir)/f", chunkSize: 3) { chunks.append(Array($0)) }
            #expect(chunks == [bytes("012"), bytes("345"), bytes("678"), bytes("9")])

            var calls = 0
            try writeFile("\(dir)/empty", [])
            try FileInput.readChunks(path: "\(dir)/empty") { _ in calls += 1 }
            #expect(calls == 0)

            #expect(throws: FileError.self) { try FileInput.readChunks(path: "\(dir)/absent") { _ in } }
        }
    }

    @Test("PlainFileReader reads sequentially and counts bytes consumed")
    func plainFileReader() throws {
        try withTemporaryDirectory { dir in
            let content = textBytes(count: 1000)
            try writeFile("\(dir)/f", content)
            let reader = try PlainFileReader(path: "\(dir)/f")
            #expect(reader.path == "\(dir)/f")
            var result: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 300)
            var consumed: [Int] = []
            while true {
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { break }
                result.append(contentsOf: buffer[0..<count])
                consumed.append(reader.compressedBytesConsumed)
            }
            #expect(result == content)
            #expect(consumed == [300, 600, 900, 1000])
            #expect(throws: FileError.self) { _ = try PlainFileReader(path: "\(dir)/absent") }
        }
    }

    // MARK: FileSystem

    @Test("createDirectory makes every level and accepts existing ones")
    func createDirectory() throws {
        try withTemporaryDirectory { dir in
            try FileSystem.createDirectory("\(dir)/a/b/c")
            #expect(FileSystem.isDirectory("\(dir)/a/b/c"))
            try FileSystem.createDirectory("\(dir)/a/b/c")  // again: no error
            try FileSystem.createDirectory("\(dir)/a/b/d/")
            #expect(FileSystem.isDirectory("\(dir)/a/b/d"))
            try writeFile("\(dir)/file", bytes("x"))
            let error = try #require(throws: FileError.self) { try FileSystem.createDirectory("\(dir)/file/sub") }
            #expect(error.path == "\(dir)/file/sub")
            #expect(error.message == "Not a directory")
        }
    }

    @Test("exists, isDirectory, list, writeAtomically, remove")
    func fileSystemHelpers() throws {
        try withTemporaryDirectory { dir in
            try FileSystem.writeAtomically(bytes("done\n"), to: "\(dir)/b.marker")
            try FileSystem.writeAtomically(bytes("1"), to: "\(dir)/a")
            try FileSystem.writeAtomically(bytes("2"), to: "\(dir)/B")
            try FileSystem.createDirectory("\(dir)/_sub")
            #expect(try readFile("\(dir)/b.marker") == bytes("done\n"))
            #expect(FileSystem.exists("\(dir)/b.marker"))
            #expect(!FileSystem.exists("\(dir)/b.marker.tmp"))
            #expect(FileSystem.isDirectory(dir))
            #expect(FileSystem.isDirectory("\(dir)/_sub"))
            #expect(!FileSystem.isDirectory("\(dir)/a"))
            #expect(!FileSystem.isDirectory("\(dir)/absent"))
            #expect(FileSystem.list(dir) == ["B", "_sub", "a", "b.marker"])  // byte order
            #expect(FileSystem.list("\(dir)/absent") == [])
            FileSystem.remove("\(dir)/a")
            #expect(!FileSystem.exists("\(dir)/a"))
            #expect(FileSystem.list(dir) == ["B", "_sub", "b.marker"])
        }
    }

    // MARK: iso8601

    @Test("iso8601 formats UTC seconds", arguments: [
        (0, "1970-01-01T00:00:00Z"),
        (1_700_000_000, "2023-11-14T22:13:20Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (86_399, "1970-01-01T23:59:59Z"),
        (1_234_567_890, "2009-02-13T23:31:30Z"),
        (4_102_444_800, "2100-01-01T00:00:00Z"),
        (-1, "1969-12-31T23:59:59Z"),
    ])
    func iso8601Values(seconds: Int, expected: String) {
        #expect(iso8601(epochSeconds: seconds) == expected)
    }
}
