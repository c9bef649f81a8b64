/// A bad file this module reads (a gettext catalog, a fastText model): which file, at which byte, and
/// what was wrong there.
public struct LanguageIDFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let offset: Int
    public let problem: String

    public init(path: String, offset: Int, problem: String) {
        self.path = path
        self.offset = offset
        self.problem = problem
    }

    public var description: String { "\(path): at byte \(offset): \(problem)" }
}

/// Reads little- or big-endian fixed-width values from a byte array, checking every read against the
/// end so that a truncated file becomes an error naming the offset, never a crash.
struct ByteCursor {
    let bytes: [UInt8]
    let path: String
    let bigEndian: Bool
    var offset = 0

    init(bytes: [UInt8], path: String, bigEndian: Bool = false) {
        self.bytes = bytes
        self.path = path
        self.bigEndian = bigEndian
    }

    func error(_ problem: String, at position: Int? = nil) -> LanguageIDFileError {
        LanguageIDFileError(path: path, offset: position ?? offset, problem: problem)
    }

    /// Fails unless `count` bytes remain, naming `what` was being read.
    func need(_ count: Int, _ what: String) throws(LanguageIDFileError) {
        guard count >= 0, count <= bytes.count - offset else {
            throw error("truncated: \(what) needs \(count) bytes, \(bytes.count - offset) left")
        }
    }

    /// An unsigned value of `width` bytes at an absolute position, in the cursor's byte order.
    func unsigned(at position: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<width {
            let byte = UInt64(bytes[position + (bigEndian ? index : width - 1 - index)])
            value = value << 8 | byte
        }
        return value
    }

    mutating func uint32(_ what: String) throws(LanguageIDFileError) -> UInt32 {
        try need(4, what)
        defer { offset += 4 }
        return UInt32(unsigned(at: offset, width: 4))
    }

    mutating func int32(_ what: String) throws(LanguageIDFileError) -> Int32 {
        Int32(bitPattern: try uint32(what))
    }

    mutating func int64(_ what: String) throws(LanguageIDFileError) -> Int64 {
        try need(8, what)
        defer { offset += 8 }
        return Int64(bitPattern: unsigned(at: offset, width: 8))
    }

    mutating func uint8(_ what: String) throws(LanguageIDFileError) -> UInt8 {
        try need(1, what)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func float64(_ what: String) throws(LanguageIDFileError) -> Double {
        Double(bitPattern: UInt64(bitPattern: try int64(what)))
    }

    /// `count` little-endian float32 values (fastText writes its matrices raw on little-endian machines); a
    /// NaN or an infinity is an error at its offset (fastText itself stops at prediction time on a NaN).
    mutating func float32Array(_ count: Int, _ what: String) throws(LanguageIDFileError) -> [Float] {
        guard count >= 0, count <= (bytes.count - offset) / 4 else {
            throw error("truncated: \(what) needs \(count) floats, \((bytes.count - offset) / 4) left")
        }
        let start = offset
        var firstBad = -1
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                for index in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: start + index * 4, as: UInt32.self)
                    let value = Float(bitPattern: UInt32(littleEndian: bits))
                    if !value.isFinite && firstBad < 0 { firstBad = index }
                    buffer[index] = value
                }
            }
            initialized = count
        }
        if firstBad >= 0 { throw error("\(what) holds a NaN or an infinity", at: start + firstBad * 4) }
        offset += count * 4
        return values
    }

    mutating func byteArray(_ count: Int, _ what: String) throws(LanguageIDFileError) -> [UInt8] {
        try need(count, what)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Bytes up to the next NUL, which is consumed.
    mutating func cString(_ what: String) throws(LanguageIDFileError) -> [UInt8] {
        guard let end = bytes[offset...].firstIndex(of: 0) else {
            throw error("truncated: \(what) has no terminating NUL")
        }
        defer { offset = end + 1 }
        return Array(bytes[offset..<end])
    }
}
