/// A row format with one stored value per column (f32 or f16): how to load a vector's worth of values,
/// and one value for the columns after the last whole vector.
public protocol ElementFormat {
    /// Bytes per stored value.
    static var valueBytes: Int { get }
    /// `V.scalarCount` values from `pointer`, as floats.
    static func vector<V: KernelVector>(_ pointer: UnsafeRawPointer, as: V.Type) -> V
    /// One value from `pointer`, as a float.
    static func scalar(_ pointer: UnsafeRawPointer) -> Float
}

/// Rows of 32-bit floats.
public enum F32Elements: ElementFormat {
    @inlinable public static var valueBytes: Int { 4 }

    @inlinable @inline(__always)
    public static func vector<V: KernelVector>(_ pointer: UnsafeRawPointer, as: V.Type) -> V { V.load(pointer) }

    @inlinable @inline(__always)
    public static func scalar(_ pointer: UnsafeRawPointer) -> Float { pointer.loadUnaligned(as: Float.self) }
}

/// Rows of IEEE halves, widened exactly to floats as they are loaded.
public enum F16Elements: ElementFormat {
    @inlinable public static var valueBytes: Int { 2 }

    @inlinable @inline(__always)
    public static func vector<V: KernelVector>(_ pointer: UnsafeRawPointer, as: V.Type) -> V { V.loadHalves(pointer) }

    @inlinable @inline(__always)
    public static func scalar(_ pointer: UnsafeRawPointer) -> Float {
        Float(Float16(bitPattern: pointer.loadUnaligned(as: UInt16.self)))
    }
}
