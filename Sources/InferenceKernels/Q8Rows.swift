// Matrix-vector products over q8_0 rows with an f32 x, written once for every kernel level.
//
// A q8_0 block is an f16 scale d and 32 signed bytes q (value = d * q). Per row and block the kernel
// sums q * x over the block's 32 columns in vectors, then adds d times that sum to the row's
// accumulator: one scale multiply per block instead of one per value.

/// Bytes of one q8_0 block: the f16 scale, then 32 signed bytes. (Computed constants rather than
/// global `let`s, which other modules would reach through an addressor call.)
@inlinable @inline(__always)
var q8BlockBytes: Int { 34 }
/// Values per q8_0 block.
@inlinable @inline(__always)
var q8BlockValues: Int { 32 }

/// The scale of the q8_0 block at `block`.
@inlinable @inline(__always)
func q8Scale(_ block: UnsafeRawPointer) -> Float { half(block, 0) }

/// `sum over the block of q * x`, in `Level.Vector`s (32 / width of them).
@inlinable @inline(__always)
func q8BlockSum<Level: KernelLevel>(_: Level.Type, _ block: UnsafeRawPointer, _ x: UnsafeRawPointer) -> Level.Vector {
    let width = Level.width
    var sum = Level.Vector.loadBytes(block + 2) * Level.Vector.load(x)
    var lane = width
    while lane < q8BlockValues {
        Level.multiplyAdd(&sum, Level.Vector.loadBytes(block + (2 &+ lane)), Level.Vector.load(x + lane &* 4))
        lane &+= width
    }
    return sum
}

/// `y[r] = dot(row r, x)` for `r` in `0..<rows` of a q8_0 matrix whose rows hold `blocks` blocks and
/// start `rowStride` bytes apart. Blocks go in pairs into two accumulators per row; rows one at a time,
/// or four at a time when x is too large for L1 (see ElementRows.swift), with the same operations.
@inlinable
public func matVecQ8Blocks<Level: KernelLevel>(
    _: Level.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
    x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
) {
    let xs = UnsafeRawPointer(x)
    @inline(__always) func add(_ sum: inout Level.Vector, _ row: UnsafeRawPointer, _ block: Int) {
        let b = row + block &* q8BlockBytes
        let xb = xs + block &* (q8BlockValues &* 4)
        Level.multiplyAdd(&sum, q8BlockSum(Level.self, b, xb), Level.Vector(repeating: q8Scale(b)))
    }
    let pairEnd = blocks & ~1
    var row = 0
    while groupsRows(xBytes: blocks &* 128) && row &+ 4 <= rows {
        let r0 = weights + row &* rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride
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
        let r0 = weights + row &* rowStride
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

/// `y[0..<32 * blocks] += sum over r of c[r] * (row r)` for a q8_0 matrix. Each block of each row
/// adds `(c[r] * d) * q` to y, rows in order; one row per pass over y, or four when y is too large for
/// L1 (see ElementAccumulate.swift).
@inlinable
public func accumulateQ8Blocks<Level: KernelLevel>(
    _: Level.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
    coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let ys = UnsafeMutableRawPointer(y)
    var row = 0
    while groupsRows(xBytes: blocks &* 128) && row &+ 4 <= rows {
        let r0 = weights + row &* rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride
        for block in 0..<blocks {
            let offset = block &* q8BlockBytes
            let b0 = r0 + offset, b1 = r1 + offset, b2 = r2 + offset, b3 = r3 + offset
            let k0 = Level.Vector(repeating: c[row] * q8Scale(b0))
            let k1 = Level.Vector(repeating: c[row &+ 1] * q8Scale(b1))
            let k2 = Level.Vector(repeating: c[row &+ 2] * q8Scale(b2))
            let k3 = Level.Vector(repeating: c[row &+ 3] * q8Scale(b3))
            var lane = 0
            while lane < q8BlockValues {
                let target = ys + (block &* q8BlockValues &+ lane) &* 4
                var sum = Level.Vector.load(target)
                Level.multiplyAdd(&sum, k0, Level.Vector.loadBytes(b0 + (2 &+ lane)))
                Level.multiplyAdd(&sum, k1, Level.Vector.loadBytes(b1 + (2 &+ lane)))
                Level.multiplyAdd(&sum, k2, Level.Vector.loadBytes(b2 + (2 &+ lane)))
                Level.multiplyAdd(&sum, k3, Level.Vector.loadBytes(b3 + (2 &+ lane)))
                sum.store(to: target)
                lane &+= width
            }
        }
        row &+= 4
    }
    while row < rows {
        let r0 = weights + row &* rowStride
        for block in 0..<blocks {
            let b0 = r0 + block &* q8BlockBytes
            let k0 = Level.Vector(repeating: c[row] * q8Scale(b0))
            var lane = 0
            while lane < q8BlockValues {
                let target = ys + (block &* q8BlockValues &+ lane) &* 4
                var sum = Level.Vector.load(target)
                Level.multiplyAdd(&sum, k0, Level.Vector.loadBytes(b0 + (2 &+ lane)))
                sum.store(to: target)
                lane &+= width
            }
        }
        row &+= 1
    }
}
