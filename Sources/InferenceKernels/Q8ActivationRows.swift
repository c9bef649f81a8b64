// q8_0 weights times x quantized to q8_0 (Q8Activations.swift), written once for every level that can
// multiply bytes: integer partial sums per block, then one fma per group of blocks with the product of
// the weight and x scales.

/// A kernel level that multiplies q8_0 weight bytes by quantized x bytes in integers. Swift's SIMD types
/// cannot express those instructions (VNNI's vpdpbusd, AVX2's vpmaddubsw), so each x86 module supplies
/// this one step; the loops around it are the generic ones below.
public protocol ByteDotLevel: KernelLevel {
    /// q8_0 blocks whose partial sums fill one `Vector` (8 lanes per block).
    static var blocksPerVector: Int { get }
    /// The integer dot products of `count` (1 or `blocksPerVector`) consecutive q8_0 weight blocks at
    /// `weights` with x's bytes (32 per block at `quants`), as floats: lane 8k + i holds the sum over
    /// j in 4i..<4i+4 of w[k][j] * x[k][j]; lanes of blocks past `count` are 0. `corrections` holds the
    /// layout's -128 * (x's 4-byte group sums), for implementations that bias the weights by +128.
    static func byteDots(_ weights: UnsafeRawPointer, count: Int, quants: UnsafeRawPointer,
                         corrections: UnsafeRawPointer) -> Vector
    /// A vector whose 8 lanes of block 0 hold `first` and (with two blocks per vector) whose lanes of
    /// block 1 hold `second`.
    static func spread(_ first: Float, _ second: Float) -> Vector
}

extension ByteDotLevel {
    /// The products of the weight and x scales of `count` consecutive blocks, each over its block's lanes
    /// (0 past `count`).
    @inlinable @inline(__always)
    static func blockScales(_ weights: UnsafeRawPointer, count: Int, xScales: UnsafePointer<Float>) -> Vector {
        let first = q8Scale(weights) * xScales[0]
        let second = blocksPerVector > 1 && count > 1 ? q8Scale(weights + q8BlockBytes) * xScales[1] : 0
        return spread(first, second)
    }
}

/// `y[r] = dot(row r, x')` for r in 0..<rows of a q8_0 matrix (rows of `activations.blocks` blocks,
/// `rowStride` bytes apart), where x' is x as quantized into `activations`. Groups of blocks alternate
/// between two accumulators per row; rows go one at a time, or four at a time when x's arrays are too
/// large for L1 (see ElementRows.swift), with the same operations.
@inlinable
public func matVecQ8Activations<Level: ByteDotLevel>(
    _: Level.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, activations: Q8ActivationLayout,
    into y: UnsafeMutablePointer<Float>
) {
    let perVector = Level.blocksPerVector
    let blocks = activations.blocks
    let wholeEnd = blocks / perVector &* perVector
    let pairEnd = blocks / (2 &* perVector) &* (2 &* perVector)
    @inline(__always) func add(_ sum: inout Level.Vector, _ row: UnsafeRawPointer, _ block: Int, _ count: Int) {
        let w = row + block &* q8BlockBytes
        let dots = Level.byteDots(w, count: count, quants: activations.quants + block &* 32,
                                  corrections: activations.corrections + block &* 32)
        Level.multiplyAdd(&sum, dots, Level.blockScales(w, count: count, xScales: activations.scales + block))
    }
    /// One row's blocks from `block` on, after the pairs of groups: a last whole group, then single
    /// blocks.
    @inline(__always) func finish(_ a: inout Level.Vector, _ b: inout Level.Vector, _ row: UnsafeRawPointer,
                                  from start: Int) {
        var block = start
        if block < wholeEnd {
            add(&a, row, block, perVector)
            block &+= perVector
        }
        while block < blocks {
            add(&b, row, block, 1)
            block &+= 1
        }
    }
    var row = 0
    while groupsRows(xBytes: Q8ActivationLayout.bytes(blocks: blocks)) && row &+ 4 <= rows {
        let r0 = weights + row &* rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride
        var a0 = Level.Vector(), a1 = Level.Vector(), a2 = Level.Vector(), a3 = Level.Vector()
        var b0 = Level.Vector(), b1 = Level.Vector(), b2 = Level.Vector(), b3 = Level.Vector()
        var block = 0
        while block < pairEnd {
            let next = block &+ perVector
            add(&a0, r0, block, perVector)
            add(&b0, r0, next, perVector)
            add(&a1, r1, block, perVector)
            add(&b1, r1, next, perVector)
            add(&a2, r2, block, perVector)
            add(&b2, r2, next, perVector)
            add(&a3, r3, block, perVector)
            add(&b3, r3, next, perVector)
            block &+= 2 &* perVector
        }
        finish(&a0, &b0, r0, from: block)
        finish(&a1, &b1, r1, from: block)
        finish(&a2, &b2, r2, from: block)
        finish(&a3, &b3, r3, from: block)
        y[row] = (a0 + b0).total()
        y[row &+ 1] = (a1 + b1).total()
        y[row &+ 2] = (a2 + b2).total()
        y[row &+ 3] = (a3 + b3).total()
        row &+= 4
    }
    while row < rows {
        let r0 = weights + row &* rowStride
        var a0 = Level.Vector(), b0 = Level.Vector()
        var block = 0
        while block < pairEnd {
            add(&a0, r0, block, perVector)
            add(&b0, r0, block &+ perVector, perVector)
            block &+= 2 &* perVector
        }
        finish(&a0, &b0, r0, from: block)
        y[row] = (a0 + b0).total()
        row &+= 1
    }
}

extension PortableLevel: ByteDotLevel {
    @inlinable public static var blocksPerVector: Int { 1 }

    @inlinable @inline(__always)
    public static func spread(_ first: Float, _ second: Float) -> Vector { Vector(repeating: first) }

    /// Plain integer arithmetic, one block per vector of 8 lanes.
    @inlinable @inline(__always)
    public static func byteDots(_ weights: UnsafeRawPointer, count: Int, quants: UnsafeRawPointer,
                                corrections: UnsafeRawPointer) -> Vector {
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
