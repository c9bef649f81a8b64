import CorpusIO

/// Writes the Megatron-LM indexed dataset (`.bin` raw ids, `.idx` index) that Megatron, NeMo and
/// GPT-NeoX read: each packed sample is one sequence and one document, so sequence `i` of the
/// `.idx` is exactly MDS sample `i`.
public final class MegatronWriter {
    public let prefix: String
    public let element: MDSElementType
    private let bin: AtomicOutputFile
    /// Each sequence's length, u32 little-endian, on disk until `finish` writes the index from it: the
    /// index's arrays are sized by the sequence count, known only at the end.
    private let lengths: AtomicOutputFile
    private var count = 0
    private var scratch: [UInt8] = []

    /// Megatron's dtype codes (`DType` in indexed_dataset.py).
    static func dtypeCode(_ element: MDSElementType) -> UInt8 {
        switch element {
        case .uint8: 1
        case .int32: 4
        case .uint16: 8
        }
    }

    public static let magic: [UInt8] = Array("MMIDIDX".utf8) + [0, 0]

    public init(prefix: String, element: MDSElementType) throws {
        self.prefix = prefix
        self.element = element
        try FileSystem.createDirectory(FileSystem.parent(of: prefix))
        bin = try AtomicOutputFile(path: prefix + ".bin")
        lengths = try AtomicOutputFile(path: prefix + ".lengths.scratch")
    }

    public func write(_ tokens: [Int32]) throws {
        scratch.removeAll(keepingCapacity: true)
        for token in tokens { MDSSampleCoding.appendUInt(UInt64(UInt32(bitPattern: token)), width: element.byteWidth, to: &scratch) }
        try bin.write(scratch)
        scratch.removeAll(keepingCapacity: true)
        MDSSampleCoding.appendUInt(UInt64(tokens.count), width: 4, to: &scratch)
        try lengths.write(scratch)
        count += 1
    }

    /// Commits the `.bin`, then writes the `.idx` (header, sizes, pointers, document indices) by reading
    /// the lengths back twice, a buffer at a time.
    public func finish() throws {
        try bin.commit()
        try lengths.commit()
        defer { FileSystem.remove(lengths.path) }
        let index = try AtomicOutputFile(path: prefix + ".idx")
        var out = Self.magic
        MDSSampleCoding.appendUInt(1, width: 8, to: &out)
        out.append(Self.dtypeCode(element))
        MDSSampleCoding.appendUInt(UInt64(count), width: 8, to: &out)
        MDSSampleCoding.appendUInt(UInt64(count + 1), width: 8, to: &out)
        func flushIfFull() throws {
            if out.count >= 1 << 20 {
                try index.write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        func eachLength(_ body: (UInt64) throws -> Void) throws {
            let reader = try ScratchReader(path: lengths.path, bufferBytes: 1 << 20)
            while let length = try reader.next(4, { UInt64(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }) {
                try body(length)
            }
        }
        try eachLength { length in
            MDSSampleCoding.appendUInt(length, width: 4, to: &out)
            try flushIfFull()
        }
        var pointer: UInt64 = 0
        try eachLength { length in
            MDSSampleCoding.appendUInt(pointer, width: 8, to: &out)
            pointer += length * UInt64(element.byteWidth)
            try flushIfFull()
        }
        for document in 0...count {
            MDSSampleCoding.appendUInt(UInt64(document), width: 8, to: &out)
            try flushIfFull()
        }
        try index.write(out)
        try index.commit()
    }
}

/// Reads a Megatron indexed dataset back (for `plm shards verify` and tests).
public struct MegatronDataset {
    public let element: MDSElementType
    public let lengths: [Int]
    public let pointers: [Int]
    public let documentIndices: [Int]
    private let bin: [UInt8]

    public init(prefix: String) throws {
        let idxPath = prefix + ".idx"
        let index = try FileInput.readAll(path: idxPath)
        bin = try FileInput.readAll(path: prefix + ".bin")
        func fail(_ message: String) -> ShardError { ShardError(file: idxPath, message: message) }
        guard index.count >= 34, Array(index[0..<9]) == MegatronWriter.magic else { throw fail("not a Megatron index (bad magic)") }
        let read = { (offset: Int, width: Int) -> Int in
            index.withUnsafeBytes { Int(MDSSampleCoding.readUInt($0, at: offset, width: width)) }
        }
        guard read(9, 8) == 1 else { throw fail("version \(read(9, 8)), expected 1") }
        guard let element = [MDSElementType.uint8, .int32, .uint16].first(where: { MegatronWriter.dtypeCode($0) == index[17] }) else {
            throw fail("dtype code \(index[17]) is not one this project reads")
        }
        self.element = element
        let sequences = read(18, 8), documents = read(26, 8)
        let expected = 34 + sequences * 12 + documents * 8
        guard index.count == expected else { throw fail("\(index.count) bytes, expected \(expected) for \(sequences) sequences") }
        lengths = (0..<sequences).map { read(34 + 4 * $0, 4) }
        pointers = (0..<sequences).map { read(34 + 4 * sequences + 8 * $0, 8) }
        documentIndices = (0..<documents).map { read(34 + 12 * sequences + 8 * $0, 8) }
        let binBytes = lengths.reduce(0, +) * element.byteWidth
        guard bin.count == binBytes else {
            throw ShardError(file: prefix + ".bin", message: "\(bin.count) bytes, the index describes \(binBytes)")
        }
    }

    public var count: Int { lengths.count }

    public func sequence(_ number: Int) -> [Int32] {
        let width = element.byteWidth
        return bin.withUnsafeBytes { bytes in
            (0..<lengths[number]).map { Int32(truncatingIfNeeded: MDSSampleCoding.readUInt(bytes, at: pointers[number] + $0 * width, width: width)) }
        }
    }
}
