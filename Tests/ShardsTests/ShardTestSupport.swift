import Foundation
@testable import Shards

/// Runs `body` with a fresh, empty temporary folder, removed afterwards.
@discardableResult
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("shards-tests-" + UUID().uuidString, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// Folder of the MDS dataset mosaicml-streaming wrote (Benchmarks/streaming/make_mds_golden.py).
let streamingGoldenDirectory = repositoryRoot + "/Benchmarks/streaming/golden/mds"

/// The golden script's sample `i`, rebuilt from the same arithmetic (columns in name order:
/// boundaries, loss_mask, tokens).
func goldenSample(_ i: Int) -> [[Int32]] {
    let seq = 9
    let tokens = (0..<seq).map { Int32((i * 7919 + $0 * 104729) % 65536) }
    let mask = (0..<seq).map { Int32((i + $0) % 3 == 0 ? 0 : 1) }
    let boundaries = [Int32(0)] + (1..<seq).filter { (i + $0) % 4 == 0 }.map { Int32($0) }
    return [boundaries, mask, tokens]
}

let goldenColumns = [
    MDSColumn(name: "tokens", element: .uint16, count: 9),
    MDSColumn(name: "loss_mask", element: .uint8, count: 9),
    MDSColumn(name: "boundaries", element: .int32, count: nil),
]

func readFile(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

func writeFile(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
