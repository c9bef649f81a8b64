import Foundation
import PLMModel

/// Memory that weight matrices point into: an allocation of ours, or a mapped region of a model file.
/// It is released when the last matrix (or loader) holding it goes away.
///
/// `@unchecked Sendable`: the bytes are written once while loading and only read afterwards.
public final class WeightStorage: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int
    private let release: @Sendable (UnsafeMutableRawPointer, Int) -> Void

    /// A new zero-filled allocation, 64-byte aligned.
    public init(allocating byteCount: Int) {
        base = .allocate(byteCount: max(1, byteCount), alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(1, byteCount))
        self.byteCount = byteCount
        release = { pointer, _ in pointer.deallocate() }
    }

    /// Memory that someone else set up (a file mapping); `release` undoes it.
    public init(adopting base: UnsafeMutableRawPointer, byteCount: Int,
                release: @escaping @Sendable (UnsafeMutableRawPointer, Int) -> Void) {
        self.base = base
        self.byteCount = byteCount
        self.release = release
    }

    deinit { release(base, byteCount) }
}

/// A weight matrix [rows, columns] (PyTorch's [out, in]) in one storage type, row-major: row r starts
/// `r * rowBytes` bytes after `data`. A vector (a norm's weight) is one row.
public struct WeightMatrix: @unchecked Sendable {
    public let type: WeightType
    public let rows: Int
    public let columns: Int
    public let data: UnsafeRawPointer
    /// Keeps the memory behind `data` alive.
    public let storage: WeightStorage

    public init(type: WeightType, rows: Int, columns: Int, data: UnsafeRawPointer, storage: WeightStorage) {
        precondition(columns % type.blockSize == 0, "a \(type.rawValue) row holds whole blocks")
        self.type = type
        self.rows = rows
        self.columns = columns
        self.data = data
        self.storage = storage
    }

    public var rowBytes: Int { type.rowBytes(columns: columns) }
    public var byteCount: Int { rows * rowBytes }

    /// The start of row r.
    @inline(__always)
    public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowBytes }

    /// A new matrix holding `values` (rows x columns floats, row-major) converted to `type`, rows split
    /// over `threads` workers (a row's bytes do not depend on who converts it).
    public static func converting(_ values: UnsafePointer<Float>, rows: Int, columns: Int, to type: WeightType,
                                  threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> WeightMatrix {
        let rowBytes = type.rowBytes(columns: columns)
        let storage = WeightStorage(allocating: rows * rowBytes)
        Parallel.forEachChunk(rows, threads: threads, minimumChunk: max(1, (1 << 16) / max(1, columns))) { _, range in
            for r in range {
                WeightConversion.encode(values + r * columns, count: columns, as: type,
                                        into: storage.base + r * rowBytes)
            }
        }
        return WeightMatrix(type: type, rows: rows, columns: columns, data: storage.base, storage: storage)
    }

    /// Rows `range` decoded to floats into `destination` (range.count x columns), with the vector kernels
    /// of `MatVec` (equal bit for bit to `WeightConversion.decode`).
    public func decodeRows(_ range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        MatVec.decodeRows(self, range, into: destination)
    }

    /// The whole matrix as floats (tests and small tensors).
    public func decoded() -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            decodeRows(0..<rows, into: buffer.baseAddress!)
            initialized = rows * columns
        }
    }
}
