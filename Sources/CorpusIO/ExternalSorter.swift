import Foundation
import HeapModule

/// Sorts more records than fit in memory: records are gathered in a buffer of at most `bufferBytes`;
/// each full buffer is sorted and written to a run file under `folder`, and `finish` merges the runs
/// with a heap (in passes of at most `fanIn` runs). Records order by their key bytes (unsigned,
/// lexicographic; a prefix first), then by payload, so the output never depends on arrival order.
/// Memory: the buffer, plus one read buffer per run being merged.
public final class ExternalSorter {
    private let folder: String
    private let bufferBytes: Int
    private let fanIn: Int
    /// Buffered records back to back: `u32 key length | u32 payload length | key | payload`.
    private var arena: [UInt8] = []
    private var offsets: [Int] = []
    private var runs: [String] = []
    private var nextRun = 0
    /// Run files written so far (a figure for logs and tests: 0 means everything fitted in the buffer).
    public private(set) var runsWritten = 0
    public private(set) var count = 0

    public init(folder: String, bufferBytes: Int, fanIn: Int = 64) throws {
        precondition(fanIn >= 2)
        self.folder = folder
        self.bufferBytes = max(bufferBytes, 1024)
        self.fanIn = fanIn
        try FileSystem.createDirectory(folder)
        // Reserved once (untouched pages cost nothing), so growing never holds an old and a new copy at once.
        arena.reserveCapacity(self.bufferBytes)
    }

    deinit {
        for run in runs { unlink(run) }
    }

    public func append(key: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws {
        let size = 8 + key.count + payload.count
        // The offsets cost a word per record: counted so that small records respect the bound too.
        if !offsets.isEmpty && arena.count + offsets.count * 8 + size > bufferBytes { try spill() }
        offsets.append(arena.count)
        arena.appendLittleEndian(UInt32(key.count))
        arena.appendLittleEndian(UInt32(payload.count))
        arena.append(contentsOf: key)
        arena.append(contentsOf: payload)
        count += 1
    }

    public func append(key: [UInt8], payload: [UInt8] = []) throws {
        try key.withUnsafeBytes { k in try payload.withUnsafeBytes { p in try append(key: k, payload: p) } }
    }

    /// Calls `body` with every record in order (the buffers are valid only during the call), then
    /// removes the run files.
    public func finish(_ body: (_ key: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer) throws -> Void) throws {
        if runs.isEmpty {
            sortBuffer()
            try arena.withUnsafeBytes { bytes in
                for offset in offsets {
                    let record = Self.record(bytes, at: offset)
                    try body(record.key, record.payload)
                }
            }
            arena = []
            offsets = []
            return
        }
        if !offsets.isEmpty { try spill() }
        arena = []
        offsets = []
        // Merge in passes until one pass can take every remaining run.
        while runs.count > fanIn {
            var merged: [String] = []
            for start in stride(from: 0, to: runs.count, by: fanIn) {
                let group = Array(runs[start..<min(start + fanIn, runs.count)])
                let output = try SortedRunWriter(path: newRunPath())
                try Self.merge(group) { key, payload in try output.write(key: key, payload: payload) }
                try output.commit()
                for run in group { unlink(run) }
                merged.append(output.path)
            }
            runs = merged
        }
        try Self.merge(runs, body)
        for run in runs { unlink(run) }
        runs = []
    }

    private func newRunPath() -> String {
        defer { nextRun += 1 }
        return "\(folder)/run-\(nextRun).bin"
    }

    private func spill() throws {
        sortBuffer()
        let writer = try SortedRunWriter(path: newRunPath())
        try arena.withUnsafeBytes { bytes in
            for offset in offsets {
                let record = Self.record(bytes, at: offset)
                try writer.write(key: record.key, payload: record.payload)
            }
        }
        try writer.commit()
        runs.append(writer.path)
        runsWritten += 1
        arena.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
    }

    private func sortBuffer() {
        arena.withUnsafeBytes { bytes in
            offsets.sort { a, b in
                let x = Self.record(bytes, at: a), y = Self.record(bytes, at: b)
                return Self.precedes(x.key, x.payload, y.key, y.payload)
            }
        }
    }

    static func record(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> (key: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) {
        let keyLength = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
        let payloadLength = Int(bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian)
        let key = UnsafeRawBufferPointer(rebasing: bytes[(offset + 8)..<(offset + 8 + keyLength)])
        let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + 8 + keyLength)..<(offset + 8 + keyLength + payloadLength)])
        return (key, payload)
    }

    /// Unsigned integers as a key that sorts in their numeric order (big-endian), one after another.
    public static func key(_ values: UInt64...) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 8)
        for value in values { withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) } }
        return out
    }

    /// The `index`-th integer of such a key.
    public static func word(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
    }

    /// Unsigned lexicographic order, a prefix first.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let result = memcmp(a.baseAddress!, b.baseAddress!, common)
            if result != 0 { return Int(result) }
        }
        return a.count - b.count
    }

    static func precedes(_ keyA: UnsafeRawBufferPointer, _ payloadA: UnsafeRawBufferPointer,
                         _ keyB: UnsafeRawBufferPointer, _ payloadB: UnsafeRawBufferPointer) -> Bool {
        let byKey = compare(keyA, keyB)
        return byKey != 0 ? byKey < 0 : compare(payloadA, payloadB) < 0
    }

    /// k-way merge of sorted run files (the sorter's own, or files written with `SortedRunWriter`).
    public static func merge(_ paths: [String],
                              _ body: (_ key: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer) throws -> Void) throws {
        let readers = try paths.map { try RunReader(path: $0) }
        var heap = Heap<RunHead>()
        for (index, reader) in readers.enumerated() where try reader.advance() {
            heap.insert(RunHead(run: index, reader: reader))
        }
        while let head = heap.popMin() {
            let reader = head.reader
            try reader.key.withUnsafeBytes { key in try reader.payload.withUnsafeBytes { payload in try body(key, payload) } }
            if try reader.advance() { heap.insert(RunHead(run: head.run, reader: reader)) }
        }
    }
}

/// The current record of one run in the merge heap; equal records go by run number, so merges are stable.
private struct RunHead: Comparable {
    let run: Int
    let reader: RunReader

    static func < (a: RunHead, b: RunHead) -> Bool {
        let order = a.reader.key.withUnsafeBytes { ak in
            b.reader.key.withUnsafeBytes { bk in
                a.reader.payload.withUnsafeBytes { ap in
                    b.reader.payload.withUnsafeBytes { bp in
                        let byKey = ExternalSorter.compare(ak, bk)
                        return byKey != 0 ? byKey : ExternalSorter.compare(ap, bp)
                    }
                }
            }
        }
        return order != 0 ? order < 0 : a.run < b.run
    }

    static func == (a: RunHead, b: RunHead) -> Bool { a.run == b.run }
}

/// A run file: records as the sorter buffers them, written through a temporary name. Records must be
/// written in the sorter's order for `ExternalSorter.merge` to read them as a run.
public final class SortedRunWriter {
    let file: AtomicOutputFile
    public var path: String { file.path }
    private var header: [UInt8] = []

    public init(path: String) throws { file = try AtomicOutputFile(path: path) }

    public func write(key: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) throws {
        header.removeAll(keepingCapacity: true)
        header.appendLittleEndian(UInt32(key.count))
        header.appendLittleEndian(UInt32(payload.count))
        try file.write(header)
        try file.write(key)
        try file.write(payload)
    }

    public func commit() throws { try file.commit() }
}

/// Reads a run file record by record.
private final class RunReader {
    private let reader: ScratchReader
    private(set) var key: [UInt8] = []
    private(set) var payload: [UInt8] = []

    init(path: String) throws { reader = try ScratchReader(path: path) }

    /// Reads the next record into `key` and `payload`; false at the end of the file.
    func advance() throws -> Bool {
        guard let lengths = try reader.next(8, { header in
            (Int(UInt32(littleEndian: header.loadUnaligned(as: UInt32.self))),
             Int(UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 4, as: UInt32.self))))
        }) else { return false }
        guard let record = try reader.next(lengths.0 + lengths.1, { Array($0) }) else {
            throw CorruptInputError(path: reader.path, offset: reader.consumed, message: "a sort run ends inside a record")
        }
        key = Array(record[0..<lengths.0])
        payload = Array(record[lengths.0...])
        return true
    }
}
