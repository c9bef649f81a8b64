// q8_0 weights times x quantized to q8_0 (Q8Activations.swift), written once for every level that can
// multiply bytes: integer partial sums per block, then one fma with the product of the weight and x
// scales.

/// A kernel level that multiplies q8_0 weight bytes by quantized x bytes in integers. Swift's SIMD types
/// cannot express those instructions (AVX2's vpmaddubsw), so each x86 module supplies this one step; the
/// loops around it are the generic ones below. One block per 8-lane vector.
public protocol ByteDotLevel: KernelLevel where Vector == SIMD8<Float> {
    /// The integer dot products of the q8_0 weight block at `weights` with x's 32 bytes at `quants`, as
    /// floats: lane i holds the sum over j in 4i..<4i+4 of w[j] * x[j].
    static func byteDots(_ weights: UnsafeRawPointer, quants: UnsafeRawPointer) -> Vector
}

/// `y[r] = dot(row r, x')` for r in 0..<rows of a q8_0 matrix (rows of `activations.blocks` blocks,
/// `rowStride` bytes apart), where x' is x as quantized into `activations`. Blocks alternate between two
/// accumulators per row; rows go one at a time, or four at a time when x's bytes are too large for L1
/// (see ElementRows.swift), with the same operations.
@inlinable
public func matVecQ8Activations<Level: ByteDotLevel>(
    _: Level.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, activations: Q8ActivationLayout,
    into y: UnsafeMutablePointer<Float>
) {
    matVecQ8Activations(Level.self, weights: weights, rowStride: rowStride, rows: rows, indices: nil,
                        activations: activations, into: y)
}

/// `y[k] = dot(row indices[k], x')` for k in 0..<count: the rows a predictor chose, four at a time
/// whatever x's size, since scattered rows wait on memory and four rows keep four streams in flight.
/// Each row gets the operations it gets in `matVecQ8Activations`, so its value is the same.
@inlinable
public func matVecQ8ActivationsGathered<Level: ByteDotLevel>(
    _: Level.Type, weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>, count: Int,
    activations: Q8ActivationLayout, into y: UnsafeMutablePointer<Float>
) {
    matVecQ8Activations(Level.self, weights: weights, rowStride: rowStride, rows: count, indices: indices,
                        activations: activations, into: y)
}

/// Both forms: row k is `indices[k]` when given, else k.
@inlinable @inline(__always)
func matVecQ8Activations<Level: ByteDotLevel>(
    _: Level.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, indices: UnsafePointer<Int32>?,
    activations: Q8ActivationLayout, into y: UnsafeMutablePointer<Float>
) {
    @inline(__always) func start(_ k: Int) -> UnsafeRawPointer { weights + (indices.map { Int($0[k]) } ?? k) &* rowStride }
    let blocks = activations.blocks
    let pairEnd = blocks & ~1
    @inline(__always) func add(_ sum: inout Level.Vector, _ row: UnsafeRawPointer, _ block: Int) {
        let w = row + block &* q8BlockBytes
        let dots = Level.byteDots(w, quants: activations.quants + block &* 32)
        Level.multiplyAdd(&sum, dots, Level.Vector(repeating: q8Scale(w) * activations.scales[block]))
    }
    var row = 0
    let grouped = indices != nil || groupsRows(xBytes: Q8ActivationLayout.bytes(blocks: blocks))
    while grouped && row &+ 4 <= rows {
        let r0 = start(row), r1 = start(row &+ 1), r2 = start(row &+ 2), r3 = start(row &+ 3)
        var a0 = Level.Vector(), a1 = Level.Vector(), a2 = Level.Vector(), a3 = Level.Vector()
        var b0 = Level.Vector(), b1 = Level.Vector(), b2 = Level.Vector(), b3 = Level.Vector()
        var block = 0
        while block < pairEnd {
            add(&a0, r0, block)
            add(&b0, r0, block &+ 1)
            add(&a1, r1, block)
            add(&b1, r1, block &+ 1)
            add(&a2, r2, block)
            add(&b2, r2, block &+ 1)
            add(&a3, r3, block)
            add(&b3, r3, block &+ 1)
            block &+= 2
        }
        if block < blocks {
            add(&a0, r0, block)
            add(&a1, r1, block)
            add(&a2, r2, block)
            add(&a3, r3, block)
        }
        y[row] = (a0 + b0).total()
        y[row &+ 1] = (a1 + b1).total()
        y[row &+ 2] = (a2 + b2).total()
        y[row &+ 3] = (a3 + b3).total()
        row &+= 4
    }
    while row < rows {
        let r0 = start(row)
        var a0 = Level.Vector(), b0 = Level.Vector()
        var block = 0
        while block < pairEnd {
            add(&a0, r0, block)
            add(&b0, r0, block &+ 1)
            block &+= 2
        }
        if block < blocks { add(&a0, r0, block) }
        y[row] = (a0 + b0).total()
        row &+= 1
    }
}

extension PortableLevel: ByteDotLevel {
    /// Plain integer arithmetic.
    @inlinable @inline(__always)
    public static func byteDots(_ weights: UnsafeRawPointer, quants: UnsafeRawPointer) -> Vector {
        var dots = Vector()
        for lane in 0..<8 {
            var sum: Int32 = 0
            for byte in 0..<4 {
                let index = lane &* 4 &+ byte
                sum &+= Int32(weights.load(fromByteOffset: 2 &+ index, as: Int8.self))
                    &* Int32(quants.load(fromByteOffset: index, as: Int8.self))
            }
            dots[lane] = Float(sum)
        }
        return dots
    }
}
