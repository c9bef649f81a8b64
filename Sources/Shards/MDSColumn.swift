/// The element types shard columns use, with their MDS names and sizes.
public enum MDSElementType: String, Sendable, Codable, CaseIterable {
    case uint8, uint16, int32

    public var byteWidth: Int {
        switch self {
        case .uint8: 1
        case .uint16: 2
        case .int32: 4
        }
    }

    /// The largest value the type can hold.
    public var maxValue: Int64 {
        switch self {
        case .uint8: Int64(UInt8.max)
        case .uint16: Int64(UInt16.max)
        case .int32: Int64(Int32.max)
        }
    }

    /// mosaicml-streaming's dtype code for a dynamic-dtype ndarray (unused for static dtypes, kept
    /// for the reader's checks).
    static func from(streamingName name: Substring) -> MDSElementType? { MDSElementType(rawValue: String(name)) }
}

/// One column of an MDS shard: a name and an `ndarray` encoding, either with a fixed element count
/// (`ndarray:uint16:2049`, stored as raw values) or with a dynamic one-dimensional shape
/// (`ndarray:int32`, stored as `[ndim<<2 | shape dtype][shape][values]` after a u32 size).
public struct MDSColumn: Sendable, Equatable, Hashable {
    public var name: String
    public var element: MDSElementType
    /// Element count when fixed; nil for a variable-length column.
    public var count: Int?

    public init(name: String, element: MDSElementType, count: Int?) {
        precondition(count.map { $0 > 0 } ?? true, "a fixed column needs a positive element count")
        self.name = name
        self.element = element
        self.count = count
    }

    /// The encoding as written in `index.json` (`column_encodings`).
    public var encoding: String {
        if let count { return "ndarray:\(element.rawValue):\(count)" }
        return "ndarray:\(element.rawValue)"
    }

    /// Bytes per value when fixed (`column_sizes`); nil for variable-length columns.
    public var fixedSize: Int? { count.map { $0 * element.byteWidth } }

    /// Parses an encoding read from an index; nil for encodings this project does not write.
    public init?(name: String, encoding: String) {
        let parts = encoding.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0] == "ndarray",
              let element = MDSElementType.from(streamingName: parts[1]) else { return nil }
        if parts.count == 3 {
            guard let count = Int(parts[2]), count > 0 else { return nil }
            self.init(name: name, element: element, count: count)
        } else {
            self.init(name: name, element: element, count: nil)
        }
    }
}
