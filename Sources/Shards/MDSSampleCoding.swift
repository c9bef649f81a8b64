/// Sample bytes of an MDS shard: for each variable-length column (in name order) a u32 size, then
/// each column's bytes. Values are given and returned as `Int32` whatever the stored type.
enum MDSSampleCoding {
    /// Appends one encoded sample to `out`; `values` are in `columns` order.
    static func encode(_ values: [[Int32]], columns: [MDSColumn], into out: inout [UInt8]) throws(ShardError) {
        guard values.count == columns.count else {
            throw ShardError(file: "", message: "a sample has \(values.count) columns, the shard \(columns.count)")
        }
        for (column, columnValues) in zip(columns, values) where column.count == nil {
            appendU32(UInt32(dynamicSize(column, count: columnValues.count)), to: &out)
        }
        for (column, columnValues) in zip(columns, values) {
            if let count = column.count {
                guard columnValues.count == count else {
                    throw ShardError(file: "", message: "column '\(column.name)' holds \(count) values, got \(columnValues.count)")
                }
            } else {
                guard !columnValues.isEmpty else {
                    // streaming refuses empty arrays too (`Attempting to encode a numpy array with 0 elements`).
                    throw ShardError(file: "", message: "column '\(column.name)' may not be empty")
                }
                let code = shapeCode(columnValues.count)
                out.append(UInt8(1 << 2) | code)
                appendUInt(UInt64(columnValues.count), width: 1 << Int(code), to: &out)
            }
            for value in columnValues {
                guard value >= 0 || column.element == .int32, Int64(value) <= column.element.maxValue else {
                    throw ShardError(file: "", message: "value \(value) does not fit column '\(column.name)' (\(column.element.rawValue))")
                }
                appendUInt(UInt64(UInt32(bitPattern: value)), width: column.element.byteWidth, to: &out)
            }
        }
    }

    /// Decodes one sample's bytes back into values per column.
    static func decode(_ bytes: UnsafeRawBufferPointer, columns: [MDSColumn]) throws(ShardError) -> [[Int32]] {
        let variableCount = columns.filter { $0.count == nil }.count
        guard bytes.count >= 4 * variableCount else { throw ShardError(file: "", message: "sample shorter than its size header") }
        var sizes: [Int] = []
        var position = 0
        for _ in 0..<variableCount {
            sizes.append(Int(readUInt(bytes, at: position, width: 4)))
            position += 4
        }
        var result: [[Int32]] = []
        var nextVariable = 0
        for column in columns {
            var valueStart = position
            let size: Int
            let count: Int
            if let fixed = column.fixedSize {
                size = fixed
                count = column.count!
            } else {
                size = sizes[nextVariable]
                nextVariable += 1
                guard size >= 1, position + size <= bytes.count else {
                    throw ShardError(file: "", message: "column '\(column.name)' runs past the sample's end")
                }
                let header = bytes[position]
                let code = Int(header & 3)
                guard header >> 2 == 1, code < 3, size >= 1 + (1 << code) else {
                    throw ShardError(file: "", message: "column '\(column.name)' has an unsupported array header \(header)")
                }
                count = Int(readUInt(bytes, at: position + 1, width: 1 << code))
                valueStart = position + 1 + (1 << code)
                guard valueStart + count * column.element.byteWidth == position + size else {
                    throw ShardError(file: "", message: "column '\(column.name)' size \(size) does not match its \(count) values")
                }
            }
            guard position + size <= bytes.count else {
                throw ShardError(file: "", message: "column '\(column.name)' runs past the sample's end")
            }
            var values = [Int32](repeating: 0, count: count)
            let width = column.element.byteWidth
            for index in 0..<count {
                let raw = readUInt(bytes, at: valueStart + index * width, width: width)
                values[index] = Int32(truncatingIfNeeded: raw)
            }
            result.append(values)
            position += size
        }
        guard position == bytes.count else {
            throw ShardError(file: "", message: "sample has \(bytes.count - position) bytes after its last column")
        }
        return result
    }

    /// Bytes of a variable-length column: header byte, shape, values.
    static func dynamicSize(_ column: MDSColumn, count: Int) -> Int {
        1 + (1 << Int(shapeCode(count))) + count * column.element.byteWidth
    }

    /// streaming's smallest unsigned type for the shape (0 u8, 1 u16, 2 u32).
    static func shapeCode(_ count: Int) -> UInt8 {
        count < 1 << 8 ? 0 : count < 1 << 16 ? 1 : 2
    }

    static func appendU32(_ value: UInt32, to out: inout [UInt8]) { appendUInt(UInt64(value), width: 4, to: &out) }

    static func appendUInt(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        for shift in 0..<width { out.append(UInt8(truncatingIfNeeded: value >> (8 * shift))) }
    }

    static func readUInt(_ bytes: UnsafeRawBufferPointer, at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[offset + index]) << (8 * index) }
        return value
    }
}
