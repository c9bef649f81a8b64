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
// Each row keeps `Level.rowChains` vector accumulators (fma chains) and gets the same operations in a group or
// alone, so a row's result never depends on which rows were computed with it, nor on the thread split.

/// Whether a kernel whose x (as it reads it) takes `xBytes` bytes should take rows four at a time:
/// from 16 KiB on, half of a 32 KiB L1 data cache.
@inlinable @inline(__always)
func groupsRows(xBytes: Int) -> Bool { xBytes >= 16 << 10 }

/// The running sums of one row's dot product: `Level.rowChains` vector accumulators (independent fma
/// chains) and a scalar one for the columns after the last whole vector.
@usableFromInline
struct RowDot<Level: KernelLevel> {
    @usableFromInline var s0: Level.Vector
    @usableFromInline var s1: Level.Vector
    @usableFromInline var s2: Level.Vector
    @usableFromInline var s3: Level.Vector
    @usableFromInline var tail: Float

    @inlinable @inline(__always)
    init() {
        s0 = Level.Vector()
        s1 = Level.Vector()
        s2 = Level.Vector()
        s3 = Level.Vector()
        tail = 0
    }

    /// One step: `Level.rowChains` consecutive vectors of the row, one per chain. `w(k)` and `x(k)` are
    /// the k-th vectors of the step.
    @inlinable @inline(__always)
    mutating func addStep(_ w: (Int) -> Level.Vector, _ x: (Int) -> Level.Vector) {
        Level.multiplyAdd(&s0, w(0), x(0))
        Level.multiplyAdd(&s1, w(1), x(1))
        if Level.rowChains == 4 {
            Level.multiplyAdd(&s2, w(2), x(2))
            Level.multiplyAdd(&s3, w(3), x(3))
        }
    }

    /// A whole vector after the last whole step (at most `rowChains - 1` of them, all into the first chain).
    @inlinable @inline(__always)
    mutating func addSingle(_ w: Level.Vector, _ x: Level.Vector) { Level.multiplyAdd(&s0, w, x) }

    @inlinable @inline(__always)
    mutating func addScalar(_ w: Float, _ x: Float) { Level.multiplyAdd(&tail, w, x) }

    @inlinable @inline(__always)
    var value: Float {
        let vectors = Level.rowChains == 4 ? (s0 + s1) + (s2 + s3) : s0 + s1
        return vectors.total() + tail
    }
}

/// `y[r] = dot(row r, x)` for `r` in `0..<rows`; row r starts `r * rowStride` bytes after `weights` and
/// holds `columns` values in `Format`. Columns are visited as steps of `Level.rowChains` whole vectors,
/// then whole vectors one by one, then one by one. (Written as plain loops: closures passed to a shared
/// column walker were not inlined and pushed the accumulators to the stack.)
@inlinable
public func matVecElements<Level: KernelLevel, Format: ElementFormat>(
    _: Level.Type, _: Format.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
    x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let bytes = Format.valueBytes
    let xs = UnsafeRawPointer(x)
    let step = Level.rowChains &* width
    let stepEnd = columns / step &* step
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
        while c < stepEnd {
            // x's vectors of the step are loaded once for the four rows.
            let x0 = xv(c), x1 = xv(c &+ width)
            let x2 = Level.rowChains == 4 ? xv(c &+ 2 &* width) : x0
            let x3 = Level.rowChains == 4 ? xv(c &+ 3 &* width) : x0
            @inline(__always) func x(_ k: Int) -> Level.Vector { k == 0 ? x0 : k == 1 ? x1 : k == 2 ? x2 : x3 }
            s0.addStep({ w(r0, c &+ $0 &* width) }, x)
            s1.addStep({ w(r1, c &+ $0 &* width) }, x)
            s2.addStep({ w(r2, c &+ $0 &* width) }, x)
            s3.addStep({ w(r3, c &+ $0 &* width) }, x)
            c &+= step
        }
        while c < vectorEnd {
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
        while c < stepEnd {
            s0.addStep({ w(r0, c &+ $0 &* width) }, { xv(c &+ $0 &* width) })
            c &+= step
        }
        while c < vectorEnd {
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
