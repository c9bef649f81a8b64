// Matrix-vector products over q8_0 rows with an f32 x, written once for every kernel level.
//
// A q8_0 block is an f16 scale d and 32 signed bytes q (value = d * q). Per row and block the kernel
// sums q * x over the block's 32 columns in vectors, then adds d times that sum to the row's
// accumulator: one scale multiply per block instead of one per value. Rows go four at a time, sharing
// each load of x, and a row's operations are the same whether it is in a group or alone.

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
/// start `rowStride` bytes apart.
@inlinable
public func matVecQ8Blocks<Level: KernelLevel>(
    _: Level.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
    x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
) {
    let xs = UnsafeRawPointer(x)
    @inline(__always) func add(_ sum: inout Level.Vector, _ row: UnsafeRawPointer, _ block: Int, _ xb: UnsafeRawPointer) {
        let b = row + block &* q8BlockBytes
        Level.multiplyAdd(&sum, q8BlockSum(Level.self, b, xb), Level.Vector(repeating: q8Scale(b)))
    }
    var row = 0
    while row &+ 4 <= rows {
        let r0 = weights + row &* rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride
        var s0 = Level.Vector(), s1 = Level.Vector(), s2 = Level.Vector(), s3 = Level.Vector()
        for block in 0..<blocks {
            let xb = xs + block &* (q8BlockValues &* 4)
            add(&s0, r0, block, xb)
            add(&s1, r1, block, xb)
            add(&s2, r2, block, xb)
            add(&s3, r3, block, xb)
        }
        y[row] = s0.total()
        y[row &+ 1] = s1.total()
        y[row &+ 2] = s2.total()
        y[row &+ 3] = s3.total()
        row &+= 4
    }
    while row < rows {
        let r0 = weights + row &* rowStride
        var s0 = Level.Vector()
        for block in 0..<blocks { add(&s0, r0, block, xs + block &* (q8BlockValues &* 4)) }
        y[row] = s0.total()
        row &+= 1
    }
}

/// `y[0..<32 * blocks] += sum over r of c[r] * (row r)` for a q8_0 matrix. Each block of each row
/// adds `(c[r] * d) * q` to y, rows in order, four rows per pass over y.
@inlinable
public func accumulateQ8Blocks<Level: KernelLevel>(
    _: Level.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int,
    coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let ys = UnsafeMutableRawPointer(y)
    var row = 0
    while row &+ 4 <= rows {
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
