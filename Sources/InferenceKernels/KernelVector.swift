/// A vector of floats the kernels compute with, and the loads they need into it. The loads are written
/// so that the compiler turns them into single vector instructions once the body is specialised for a
/// CPU level: `vcvtph2ps` for halves, `vpmovsxbd` + `vcvtdq2ps` for bytes. (The standard library's
/// generic `SIMD16<Float>(SIMD16<Int8>)` conversion is not inlined and runs as an out-of-line call
/// per vector inside larger loops, and so is `SIMD16<Float>(SIMD16<Float16>)`; the lane-by-lane loads
/// below are vectorised by LLVM instead.)
public protocol KernelVector: SIMD where Scalar == Float {
    /// `scalarCount` floats from `pointer` (any alignment).
    static func load(_ pointer: UnsafeRawPointer) -> Self
    /// `scalarCount` IEEE halves from `pointer`, widened (exactly) to floats.
    static func loadHalves(_ pointer: UnsafeRawPointer) -> Self
    /// `scalarCount` signed bytes from `pointer`, as floats.
    static func loadBytes(_ pointer: UnsafeRawPointer) -> Self
    /// Writes the lanes to `pointer` (any alignment).
    func store(to pointer: UnsafeMutableRawPointer)
    /// The sum of the lanes, added as a balanced tree (halves first): fixed for a given vector width.
    func total() -> Float
}

extension SIMD8: KernelVector where Scalar == Float {
    @inlinable @inline(__always)
    public static func load(_ pointer: UnsafeRawPointer) -> Self { pointer.loadUnaligned(as: Self.self) }

    @inlinable @inline(__always)
    public static func loadHalves(_ pointer: UnsafeRawPointer) -> Self {
        var result = Self()
        for lane in 0..<8 { result[lane] = half(pointer, lane) }
        return result
    }

    @inlinable @inline(__always)
    public static func loadBytes(_ pointer: UnsafeRawPointer) -> Self {
        var result = Self()
        for lane in 0..<8 { result[lane] = Float(pointer.load(fromByteOffset: lane, as: Int8.self)) }
        return result
    }

    @inlinable @inline(__always)
    public func store(to pointer: UnsafeMutableRawPointer) { pointer.storeBytes(of: self, as: Self.self) }

    @inlinable @inline(__always)
    public func total() -> Float {
        let quad = lowHalf + highHalf
        let pair = quad.lowHalf + quad.highHalf
        return pair.x + pair.y
    }
}

extension SIMD16: KernelVector where Scalar == Float {
    @inlinable @inline(__always)
    public static func load(_ pointer: UnsafeRawPointer) -> Self { pointer.loadUnaligned(as: Self.self) }

    @inlinable @inline(__always)
    public static func loadHalves(_ pointer: UnsafeRawPointer) -> Self {
        var result = Self()
        for lane in 0..<16 { result[lane] = half(pointer, lane) }
        return result
    }

    @inlinable @inline(__always)
    public static func loadBytes(_ pointer: UnsafeRawPointer) -> Self {
        var result = Self()
        for lane in 0..<16 { result[lane] = Float(pointer.load(fromByteOffset: lane, as: Int8.self)) }
        return result
    }

    @inlinable @inline(__always)
    public func store(to pointer: UnsafeMutableRawPointer) { pointer.storeBytes(of: self, as: Self.self) }

    @inlinable @inline(__always)
    public func total() -> Float { (lowHalf + highHalf).total() }
}

/// The half at index `lane` from `pointer`, widened to a float.
@inlinable @inline(__always)
func half(_ pointer: UnsafeRawPointer, _ lane: Int) -> Float {
    Float(Float16(bitPattern: pointer.loadUnaligned(fromByteOffset: 2 &* lane, as: UInt16.self)))
}
