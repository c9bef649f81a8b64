/// Reads the header of a GGUF file from memory, bounds-checked: every read first checks that its
/// bytes lie inside the file, and a failure names the offset where the read started and what was
/// being read (`subject`: the key or tensor; `what`: the field).
struct GGUFCursor {
    let base: UnsafeRawPointer
    let count: Int
    let path: String
    private(set) var offset = 0

    init(base: UnsafeRawPointer, count: Int, path: String) {
        self.base = base
        self.count = count
        self.path = path
    }

    var remaining: Int { count - offset }

    func error(at offset: Int, _ subject: String?, _ message: String) -> GGUFError {
        GGUFError(path: path, offset: offset, subject: subject, message: message)
    }

    /// The next `n` bytes, or an error when the file ends before them.
    mutating func bytes(_ n: Int, _ subject: String?, _ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= remaining else {
            throw error(at: offset, subject, "the file ends at byte \(count), inside \(what()) "
                + "(\(n) bytes needed, \(remaining) left): the file is cut short or the header is corrupt")
        }
        let slice = UnsafeRawBufferPointer(start: base + offset, count: n)
        offset += n
        return slice
    }

    mutating func integer<T: FixedWidthInteger>(_ type: T.Type, _ subject: String?,
                                             _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        let raw = try bytes(MemoryLayout<T>.size, subject, what())
        return T(littleEndian: raw.loadUnaligned(as: T.self))
    }

    /// A u64 count that must fit in what is left of the file at `minimumBytes` per item, so that a
    /// corrupt count is refused before anything is allocated for it.
    mutating func count(_ subject: String?, _ what: String, minimumBytes: Int) throws(GGUFError) -> Int {
        let start = offset
        let value = try integer(UInt64.self, subject, what)
        guard value <= UInt64(remaining / max(1, minimumBytes)) else {
            throw error(at: start, subject, "\(what) is \(value), which cannot fit in the \(remaining) bytes left "
                + "(at least \(minimumBytes) bytes each)")
        }
        return Int(value)
    }

    /// A string: u64 length, then that many bytes of UTF-8.
    mutating func string(_ subject: String?, _ what: @autoclosure () -> String) throws(GGUFError) -> String {
        let start = offset
        let length = try integer(UInt64.self, subject, what() + " length")
        guard length <= UInt64(remaining) else {
            throw error(at: start, subject, "\(what()) length \(length) runs past the end of the file "
                + "(\(remaining) bytes left)")
        }
        let raw = try bytes(Int(length), subject, what())
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw error(at: start, subject, "\(what()) is not valid UTF-8")
        }
        return text
    }

    /// A typed value: u32 type id, then the value (arrays: element type, u64 count, elements).
    mutating func value(_ subject: String) throws(GGUFError) -> GGUFValue {
        let typeOffset = offset
        let id = try integer(UInt32.self, subject, "the value type")
        guard let type = GGUFValueType(rawValue: id) else {
            throw error(at: typeOffset, subject, "unknown value type \(id) (GGUF defines 0 to 12)")
        }
        if type == .array { return .array(try array(subject)) }
        return try scalar(type, subject)
    }

    private mutating func scalar(_ type: GGUFValueType, _ subject: String) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try integer(UInt8.self, subject, "a uint8"))
        case .int8: return .int8(try integer(Int8.self, subject, "an int8"))
        case .uint16: return .uint16(try integer(UInt16.self, subject, "a uint16"))
        case .int16: return .int16(try integer(Int16.self, subject, "an int16"))
        case .uint32: return .uint32(try integer(UInt32.self, subject, "a uint32"))
        case .int32: return .int32(try integer(Int32.self, subject, "an int32"))
        case .uint64: return .uint64(try integer(UInt64.self, subject, "a uint64"))
        case .int64: return .int64(try integer(Int64.self, subject, "an int64"))
        case .float32: return .float32(Float(bitPattern: try integer(UInt32.self, subject, "a float32")))
        case .float64: return .float64(Double(bitPattern: try integer(UInt64.self, subject, "a float64")))
        case .bool: return .bool(try boolean(subject))
        case .string: return .string(try string(subject, "the string"))
        case .array: preconditionFailure("arrays are read by array(_:)")
        }
    }

    private mutating func boolean(_ subject: String) throws(GGUFError) -> Bool {
        let start = offset
        let byte = try integer(UInt8.self, subject, "a bool")
        guard byte <= 1 else { throw error(at: start, subject, "bool value \(byte) is neither 0 nor 1") }
        return byte == 1
    }

    private mutating func array(_ subject: String) throws(GGUFError) -> GGUFArray {
        let typeOffset = offset
        let id = try integer(UInt32.self, subject, "the array element type")
        guard let type = GGUFValueType(rawValue: id) else {
            throw error(at: typeOffset, subject, "unknown array element type \(id) (GGUF defines 0 to 12)")
        }
        guard type != .array else {
            throw error(at: typeOffset, subject, "an array of arrays (llama.cpp's loader refuses them too)")
        }
        // A string needs at least its 8-byte length.
        let n = try count(subject, "the array length", minimumBytes: type.fixedSize ?? 8)
        func many<T>(_ read: (inout GGUFCursor) throws(GGUFError) -> T) throws(GGUFError) -> [T] {
            var values: [T] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try read(&self)) }
            return values
        }
        switch type {
        case .uint8: return .uint8(Array(try bytes(n, subject, "the uint8 array")))
        case .int8: return .int8(try many { c throws(GGUFError) in try c.integer(Int8.self, subject, "an int8") })
        case .uint16: return .uint16(try many { c throws(GGUFError) in try c.integer(UInt16.self, subject, "a uint16") })
        case .int16: return .int16(try many { c throws(GGUFError) in try c.integer(Int16.self, subject, "an int16") })
        case .uint32: return .uint32(try many { c throws(GGUFError) in try c.integer(UInt32.self, subject, "a uint32") })
        case .int32: return .int32(try many { c throws(GGUFError) in try c.integer(Int32.self, subject, "an int32") })
        case .uint64: return .uint64(try many { c throws(GGUFError) in try c.integer(UInt64.self, subject, "a uint64") })
        case .int64: return .int64(try many { c throws(GGUFError) in try c.integer(Int64.self, subject, "an int64") })
        case .float32:
            return .float32(try many { c throws(GGUFError) in Float(bitPattern: try c.integer(UInt32.self, subject, "a float32")) })
        case .float64:
            return .float64(try many { c throws(GGUFError) in Double(bitPattern: try c.integer(UInt64.self, subject, "a float64")) })
        case .bool: return .bool(try many { c throws(GGUFError) in try c.boolean(subject) })
        case .string:
            var index = 0
            return .string(try many { c throws(GGUFError) in
                defer { index += 1 }
                return try c.string(subject, "string [\(index)]")
            })
        case .array: preconditionFailure("refused above")
        }
    }

    mutating func skip(to newOffset: Int) { offset = newOffset }
}
