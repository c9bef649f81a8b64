/// Sample bytes of an MDS shard: for each variable-length column (in name order) a u32 size, then
/// each column's bytes. Values are given and returned as `Int32` whatever the stored type.
enum MDSSampleCoding {
    /// Bytes `encode` will append for `values`, after checking each column's value count.
    static func encodedSize(_ values: [[Int32]], columns: [MDSColumn]) throws(ShardError) -> Int {
        guard values.count == columns.count else {
            throw ShardError(file: "", message: "a sample has \(values.count) columns, the shard \(columns.count)")
        }
        var size = 0
        for (column, columnValues) in zip(columns, values) {
            if let count = column.count {
                guard columnValues.count == count else {
                    throw ShardError(file: "", message: "column '\(column.name)' holds \(count) values, got \(columnValues.count)")
                }
                size += count * column.element.byteWidth
            } else {
                guard !columnValues.isEmpty else {
                    // streaming refuses empty arrays too (`Attempting to encode a numpy array with 0 elements`).
                    throw ShardError(file: "", message: "column '\(column.name)' may not be empty")
                }
                size += 4 + dynamicSize(column, count: columnValues.count)
            }
        }
        return size
    }

    /// Appends one encoded sample to `out`; `values` are in `columns` order and have passed
    /// `encodedSize` (the writer sizes every sample first, so the counts are not checked twice).
    /// Throws, leaving a partial sample in `out`, when a value does not fit its column.
    static func encode(_ values: [[Int32]], columns: [MDSColumn], into out: inout [UInt8]) throws(ShardError) {
        for (column, columnValues) in zip(columns, values) where column.count == nil {
            appendU32(UInt32(dynamicSize(column, count: columnValues.count)), to: &out)
        }
        for (column, columnValues) in zip(columns, values) {
            if column.count == nil {
                let code = shapeCode(columnValues.count)
                out.append(UInt8(1 << 2) | code)
                appendUInt(UInt64(columnValues.count), width: 1 << Int(code), to: &out)
            }
            try appendValues(columnValues, column: column, to: &out)
        }
    }

    /// Appends `values` narrowed to the column's element type, little-endian, after checking in one
    /// pass that they all fit.
    static func appendValues(_ values: [Int32], column: MDSColumn, to out: inout [UInt8]) throws(ShardError) {
        let element = column.element
        let fits = values.withUnsafeBufferPointer { source in
            var low = Int32.max, high = Int32.min
            for value in source {
                low = min(low, value)
                high = max(high, value)
            }
            return source.isEmpty || ((low >= 0 || element == .int32) && Int64(high) <= element.maxValue)
        }
        guard fits else {
            let value = values.first { ($0 < 0 && element != .int32) || Int64($0) > element.maxValue }!
            throw ShardError(file: "", message: "value \(value) does not fit column '\(column.name)' (\(element.rawValue))")
        }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: values.count * element.byteWidth))
        out.withUnsafeMutableBytes { bytes in
            values.withUnsafeBufferPointer { source in
                let target = bytes.baseAddress! + start
                switch element {
                case .uint8:
                    for index in source.indices {
                        target.storeBytes(of: UInt8(truncatingIfNeeded: source[index]), toByteOffset: index, as: UInt8.self)
                    }
                case .uint16:
                    for index in source.indices {
                        target.storeBytes(of: UInt16(truncatingIfNeeded: source[index]).littleEndian,
                                          toByteOffset: 2 * index, as: UInt16.self)
                    }
                case .int32:
                    for index in source.indices {
                        target.storeBytes(of: source[index].littleEndian, toByteOffset: 4 * index, as: Int32.self)
                    }
                }
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
            result.append(readValues(bytes, at: valueStart, count: count, element: column.element))
            position += size
        }
        guard position == bytes.count else {
            throw ShardError(file: "", message: "sample has \(bytes.count - position) bytes after its last column")
        }
        return result
    }

    /// `count` little-endian values of `element` starting at byte `offset`, widened to Int32.
    static func readValues(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int, element: MDSElementType) -> [Int32] {
        guard count > 0 else { return [] }
        return [Int32](unsafeUninitializedCapacity: count) { values, initialized in
            let source = bytes.baseAddress! + offset
            switch element {
            case .uint8:
                for index in 0..<count { values[index] = Int32(source.load(fromByteOffset: index, as: UInt8.self)) }
            case .uint16:
                for index in 0..<count {
                    values[index] = Int32(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)))
                }
            case .int32:
                for index in 0..<count {
                    values[index] = Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self))
                }
            }
            initialized = count
        }
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
