// Matrix-vector products over rows of f32 or f16 values, written once for every kernel level.
//
// Rows are read front to back, one at a time: the weights are then one linear stream, which the
// hardware prefetchers follow at full memory bandwidth. Taking four rows at once (to load each vector
// of x once for four rows) interleaves four streams; on the reference machine (Zen 4) rows of 2 KiB ran
// at 40-55% of the read bandwidth that way when the matrix came from memory, and no faster from the
// caches, where x's loads hit L1 anyway. Long rows are different: once x no longer fits in L1 beside
// the weight stream (8192 floats fill Zen 4's 32 KiB), one row at a time reloads x from L2 for every
// row, and four rows at once ran 1.4x (memory) to 1.9x (cache) faster. So rows are grouped by four
// exactly when x is that large (`groupsRows`).
//
// Each row keeps two vector accumulators (two fma chains) and gets the same operations in a group or
// alone, so a row's result never depends on which rows were computed with it, nor on the thread split.

/// Whether a kernel whose x (as it reads it) takes `xBytes` bytes should take rows four at a time:
/// from 16 KiB on, half of a 32 KiB L1 data cache.
@inlinable @inline(__always)
func groupsRows(xBytes: Int) -> Bool { xBytes >= 16 << 10 }

/// The running sums of one row's dot product.
@usableFromInline
struct RowDot<Level: KernelLevel> {
    @usableFromInline var even: Level.Vector
    @usableFromInline var odd: Level.Vector
    @usableFromInline var tail: Float

    @inlinable @inline(__always)
    init() {
        even = Level.Vector()
        odd = Level.Vector()
        tail = 0
    }

    @inlinable @inline(__always)
    mutating func addPair(_ w0: Level.Vector, _ x0: Level.Vector, _ w1: Level.Vector, _ x1: Level.Vector) {
        Level.multiplyAdd(&even, w0, x0)
        Level.multiplyAdd(&odd, w1, x1)
    }

    @inlinable @inline(__always)
    mutating func addSingle(_ w: Level.Vector, _ x: Level.Vector) { Level.multiplyAdd(&even, w, x) }

    @inlinable @inline(__always)
    mutating func addScalar(_ w: Float, _ x: Float) { Level.multiplyAdd(&tail, w, x) }

    @inlinable @inline(__always)
    var value: Float { (even + odd).total() + tail }
}

/// `y[r] = dot(row r, x)` for `r` in `0..<rows`; row r starts `r * rowStride` bytes after `weights` and
/// holds `columns` values in `Format`. Columns are visited as pairs of whole vectors, then one whole
/// vector if left, then one by one. (Written as plain loops: closures passed to a shared column walker
/// were not inlined and pushed the accumulators to the stack.)
@inlinable
public func matVecElements<Level: KernelLevel, Format: ElementFormat>(
    _: Level.Type, _: Format.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
    x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let bytes = Format.valueBytes
    let xs = UnsafeRawPointer(x)
    let pairEnd = columns / (2 &* width) &* (2 &* width)
    let vectorEnd = columns / width &* width
    @inline(__always) func w(_ row: UnsafeRawPointer, _ column: Int) -> Level.Vector {
        Format.vector(row + column &* bytes, as: Level.Vector.self)
    }
    @inline(__always) func xv(_ column: Int) -> Level.Vector { Level.Vector.load(xs + column &* 4) }
    @inline(__always) func ws(_ row: UnsafeRawPointer, _ column: Int) -> Float { Format.scalar(row + column &* bytes) }
    let grouped = groupsRows(xBytes: columns &* 4)

    var row = 0
    while grouped && row &+ 4 <= rows {
        let r0 = weights + row &* rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride
        var s0 = RowDot<Level>(), s1 = RowDot<Level>(), s2 = RowDot<Level>(), s3 = RowDot<Level>()
        var c = 0
        while c < pairEnd {
            let c1 = c &+ width
            let x0 = xv(c), x1 = xv(c1)
            s0.addPair(w(r0, c), x0, w(r0, c1), x1)
            s1.addPair(w(r1, c), x0, w(r1, c1), x1)
            s2.addPair(w(r2, c), x0, w(r2, c1), x1)
            s3.addPair(w(r3, c), x0, w(r3, c1), x1)
            c &+= 2 &* width
        }
        if c < vectorEnd {
            let x0 = xv(c)
            s0.addSingle(w(r0, c), x0)
            s1.addSingle(w(r1, c), x0)
            s2.addSingle(w(r2, c), x0)
            s3.addSingle(w(r3, c), x0)
            c &+= width
        }
        while c < columns {
            let x0 = x[c]
            s0.addScalar(ws(r0, c), x0)
            s1.addScalar(ws(r1, c), x0)
            s2.addScalar(ws(r2, c), x0)
            s3.addScalar(ws(r3, c), x0)
            c &+= 1
        }
        y[row] = s0.value
        y[row &+ 1] = s1.value
        y[row &+ 2] = s2.value
        y[row &+ 3] = s3.value
        row &+= 4
    }
    while row < rows {
        let r0 = weights + row &* rowStride
        var s0 = RowDot<Level>()
        var c = 0
        while c < pairEnd {
            s0.addPair(w(r0, c), xv(c), w(r0, c &+ width), xv(c &+ width))
            c &+= 2 &* width
        }
        if c < vectorEnd {
            s0.addSingle(w(r0, c), xv(c))
            c &+= width
        }
        while c < columns {
            s0.addScalar(ws(r0, c), x[c])
            c &+= 1
        }
        y[row] = s0.value
        row &+= 1
    }
}
