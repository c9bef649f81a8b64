import CorpusIO

/// Writes the Megatron-LM indexed dataset (`.bin` raw ids, `.idx` index) that Megatron, NeMo and
/// GPT-NeoX read: each packed sample is one sequence and one document, so sequence `i` of the
/// `.idx` is exactly MDS sample `i`.
public final class MegatronWriter {
    public let prefix: String
    public let element: MDSElementType
    private let bin: AtomicOutputFile
    private var lengths: [Int32] = []
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
    }

    public func write(_ tokens: [Int32]) throws {
        scratch.removeAll(keepingCapacity: true)
        for token in tokens { MDSSampleCoding.appendUInt(UInt64(UInt32(bitPattern: token)), width: element.byteWidth, to: &scratch) }
        try bin.write(scratch)
        lengths.append(Int32(tokens.count))
    }

    public func finish() throws {
        try bin.commit()
        var index = Self.magic
        MDSSampleCoding.appendUInt(1, width: 8, to: &index)
        index.append(Self.dtypeCode(element))
        MDSSampleCoding.appendUInt(UInt64(lengths.count), width: 8, to: &index)
        MDSSampleCoding.appendUInt(UInt64(lengths.count + 1), width: 8, to: &index)
        for length in lengths { MDSSampleCoding.appendUInt(UInt64(UInt32(bitPattern: length)), width: 4, to: &index) }
        var pointer: UInt64 = 0
        for length in lengths {
            MDSSampleCoding.appendUInt(pointer, width: 8, to: &index)
            pointer += UInt64(length) * UInt64(element.byteWidth)
        }
        for document in 0...lengths.count { MDSSampleCoding.appendUInt(UInt64(document), width: 8, to: &index) }
        try FileSystem.writeAtomically(index, to: prefix + ".idx")
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
