/// Little-endian integers in byte arrays: the scratch and record files of the sorts are written and read
/// with these, whatever the machine.
extension Array where Element == UInt8 {
    public mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    public func loadLittleEndianUInt32(at offset: Int) -> UInt32 {
        withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    public func loadLittleEndianUInt64(at offset: Int) -> UInt64 {
        withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    }
}

extension ArraySlice where Element == UInt8 {
    public func loadLittleEndianUInt64(at offset: Int) -> UInt64 { Array(self).loadLittleEndianUInt64(at: offset) }
}
