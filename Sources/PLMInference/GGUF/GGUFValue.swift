/// The value types of GGUF metadata, with the ids the file stores (gguf-py's `GGUFValueType`,
/// ggml's `gguf_type`).
public enum GGUFValueType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value in the file; nil for strings and arrays, whose size depends on their length.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    public var description: String {
        switch self {
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .uint32: "uint32"
        case .int32: "int32"
        case .float32: "float32"
        case .bool: "bool"
        case .string: "string"
        case .array: "array"
        case .uint64: "uint64"
        case .int64: "int64"
        case .float64: "float64"
        }
    }
}

/// One metadata value. Arrays hold scalars or strings of one type; arrays of arrays are not part of
/// this model because llama.cpp's loader refuses them (`gguf_init_from_file`: invalid type).
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
    case array(GGUFArray)

    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        case .array: .array
        }
    }

    /// The value as an Int when it is an integer of any width that fits.
    public var intValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// The value as a Double when it is a float of either width.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    public var arrayValue: GGUFArray? {
        if case .array(let v) = self { return v }
        return nil
    }

    /// A short rendering for messages: scalars in full, strings quoted and cut, arrays by type and length.
    public var summary: String {
        switch self {
        case .string(let v): return v.count > 60 ? String(v.prefix(57)).debugDescription + "..." : v.debugDescription
        case .array(let a): return "[\(a.elementType) x \(a.count)]"
        case .float32(let v): return "\(v)"
        case .float64(let v): return "\(v)"
        case .bool(let v): return "\(v)"
        default: return intValue.map(String.init) ?? "\(self)"
        }
    }
}

/// A metadata array: its elements, all of one type.
public enum GGUFArray: Sendable, Equatable {
    case uint8([UInt8]), int8([Int8]), uint16([UInt16]), int16([Int16]), uint32([UInt32]), int32([Int32])
    case uint64([UInt64]), int64([Int64]), float32([Float]), float64([Double]), bool([Bool]), string([String])

    public var elementType: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string: .string
        }
    }

    public var count: Int {
        switch self {
        case .uint8(let a): a.count
        case .int8(let a): a.count
        case .uint16(let a): a.count
        case .int16(let a): a.count
        case .uint32(let a): a.count
        case .int32(let a): a.count
        case .uint64(let a): a.count
        case .int64(let a): a.count
        case .float32(let a): a.count
        case .float64(let a): a.count
        case .bool(let a): a.count
        case .string(let a): a.count
        }
    }

    public var strings: [String]? {
        if case .string(let a) = self { return a }
        return nil
    }

    public var int32s: [Int32]? {
        if case .int32(let a) = self { return a }
        return nil
    }
}

/// Metadata in file order, with lookup by key. Keys are unique and non-empty (the writer and the
/// reader both refuse anything else, as llama.cpp does).
public struct GGUFMetadata: Sendable, Equatable {
    public private(set) var entries: [(key: String, value: GGUFValue)] = []
    private var index: [String: Int] = [:]

    public init() {}

    public init(_ entries: [(String, GGUFValue)]) {
        for (key, value) in entries { self[key] = value }
    }

    public var count: Int { entries.count }
    public var keys: [String] { entries.map(\.key) }

    /// Setting a key that exists replaces its value in place (the order stays); nil removes it.
    public subscript(key: String) -> GGUFValue? {
        get { index[key].map { entries[$0].value } }
        set {
            if let position = index[key] {
                if let newValue {
                    entries[position].value = newValue
                } else {
                    entries.remove(at: position)
                    index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($0.element.key, $0.offset) })
                }
            } else if let newValue {
                index[key] = entries.count
                entries.append((key, newValue))
            }
        }
    }

    public static func == (lhs: GGUFMetadata, rhs: GGUFMetadata) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
