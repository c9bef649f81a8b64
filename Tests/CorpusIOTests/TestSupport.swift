import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` with a fresh, empty, uniquely named folder under the system temporary folder,
/// and removes the folder (whatever the test left in it) afterwards.
@discardableResult
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("corpusio-tests-" + UUID().uuidString, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer {
        // A test may have made something unreadable (chmod 000); make everything removable first.
        if let enumerator = FileManager.default.enumerator(atPath: url.path) {
            for case let relative as String in enumerator {
                chmod(url.path + "/" + relative, 0o755)
            }
        }
        try? FileManager.default.removeItem(at: url)
    }
    return try body(url.path)
}

/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Deterministic, incompressible bytes (splitmix64).
func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var result: [UInt8] = []
    result.reserveCapacity(count + 8)
    while result.count < count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        withUnsafeBytes(of: z.littleEndian) { result.append(contentsOf: $0) }
    }
    result.removeSubrange(count...)
    return result
}

/// Deterministic, compressible text: numbered lines, `count` bytes in all.
func textBytes(count: Int) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(count + 80)
    var n = 0
    while result.count < count {
        result.append(contentsOf: "line \(n): the quick brown fox jumps over the lazy dog \(n % 7)\n".utf8)
        n += 1
    }
    result.removeSubrange(count...)
    return result
}

/// Half compressible text, half random bytes: exercises both literal and match paths of codecs.
func mixedBytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
    textBytes(count: count / 2) + pseudoRandomBytes(count: count - count / 2, seed: seed)
}

func writeFile(_ path: String, _ contents: [UInt8]) throws {
    try Data(contents).write(to: URL(fileURLWithPath: path))
}

func readFile(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

/// Sets a file's modification time (seconds since the epoch), without following a final symlink.
func setModificationTime(_ path: String, _ seconds: Int) throws {
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(seconds))],
                                          ofItemAtPath: path)
}

/// True when an executable exists at `path` (to enable tests that need a system tool).
func toolExists(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

/// Runs a tool with files as standard input and output (no pipes, so large data cannot deadlock);
/// returns its exit status.
@discardableResult
func runTool(_ executable: String, _ arguments: [String], stdin: String? = nil, stdout: String? = nil) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var handles: [FileHandle] = []
    defer { for handle in handles { try? handle.close() } }
    if let stdin {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdin))
        handles.append(handle)
        process.standardInput = handle
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    if let stdout {
        _ = FileManager.default.createFile(atPath: stdout, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
        handles.append(handle)
        process.standardOutput = handle
    } else {
        process.standardOutput = FileHandle.nullDevice
    }
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// Splits `count` into consecutive chunk ranges of `size` (the last may be shorter).
func chunkRanges(count: Int, size: Int) -> [Range<Int>] {
    precondition(size > 0)
    return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
}
