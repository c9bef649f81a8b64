/// Builds the header of a GGUF file in memory: little-endian integers, strings as a u64 length and
/// UTF-8 bytes (no terminator), typed values and arrays. The header of a real model (vocabulary and
/// merges included) is a few MB; tensor data never goes through here.
struct GGUFEncoder {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Float) { append(value.bitPattern) }
    mutating func append(_ value: Double) { append(value.bitPattern) }
    mutating func append(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            append(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// The value's type id, then the value (an array: element type, count, elements).
    mutating func append(_ value: GGUFValue) {
        append(value.type.rawValue)
        switch value {
        case .uint8(let v): append(v)
        case .int8(let v): append(v)
        case .uint16(let v): append(v)
        case .int16(let v): append(v)
        case .uint32(let v): append(v)
        case .int32(let v): append(v)
        case .uint64(let v): append(v)
        case .int64(let v): append(v)
        case .float32(let v): append(v)
        case .float64(let v): append(v)
        case .bool(let v): append(v)
        case .string(let v): append(v)
        case .array(let array): append(array)
        }
    }

    private mutating func append(_ array: GGUFArray) {
        append(array.elementType.rawValue)
        append(UInt64(array.count))
        switch array {
        case .uint8(let a): bytes.append(contentsOf: a)
        case .int8(let a): for v in a { append(v) }
        case .uint16(let a): for v in a { append(v) }
        case .int16(let a): for v in a { append(v) }
        case .uint32(let a): for v in a { append(v) }
        case .int32(let a): for v in a { append(v) }
        case .uint64(let a): for v in a { append(v) }
        case .int64(let a): for v in a { append(v) }
        case .float32(let a): for v in a { append(v) }
        case .float64(let a): for v in a { append(v) }
        case .bool(let a): for v in a { append(v) }
        case .string(let a): for v in a { append(v) }
        }
    }

    /// Zero bytes up to the next multiple of `alignment`, counting from `base` bytes already written.
    mutating func pad(to alignment: Int, base: Int = 0) {
        let total = base + bytes.count
        bytes.append(contentsOf: repeatElement(0, count: GGUFLayout.padding(total, alignment)))
    }
}

enum GGUFLayout {
    /// Bytes from `offset` to the next multiple of `alignment` (a power of two).
    static func padding(_ offset: Int, _ alignment: Int) -> Int {
        (alignment - offset % alignment) % alignment
    }

    static func aligned(_ offset: Int, _ alignment: Int) -> Int { offset + padding(offset, alignment) }

    static func isPowerOfTwo(_ value: Int) -> Bool { value > 0 && value & (value - 1) == 0 }
}
