// Matrix times four vectors at once, reading the weights once: for the prefill of short prompts, where
// four separate products would stream the weights four times from memory. Rows one at a time (a linear
// stream, see ElementRows.swift); each loaded (and widened) weight vector feeds four fma. Every row gets
// the same operations, so results do not depend on the thread split. They may differ in the last bits
// from the one-vector kernels, whose sums run in another order.

/// Four input vectors, `stride` floats apart, and where their four results go.
public struct Batch4 {
    public let x: UnsafePointer<Float>
    public let xStride: Int
    public let y: UnsafeMutablePointer<Float>
    public let yStride: Int

    @inlinable
    public init(x: UnsafePointer<Float>, xStride: Int, y: UnsafeMutablePointer<Float>, yStride: Int) {
        self.x = x
        self.xStride = xStride
        self.y = y
        self.yStride = yStride
    }
}

/// `y_j[r] = dot(row r, x_j)` for j in 0..<4 and r in 0..<rows, rows in `Format`.
@inlinable
public func matVecElementsBatch4<Level: KernelLevel, Format: ElementFormat>(
    _: Level.Type, _: Format.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
    batch: Batch4
) {
    let width = Level.width
    let bytes = Format.valueBytes
    let x0 = UnsafeRawPointer(batch.x), x1 = x0 + batch.xStride &* 4
    let x2 = x1 + batch.xStride &* 4, x3 = x2 + batch.xStride &* 4
    let pairEnd = columns / (2 &* width) &* (2 &* width)
    let vectorEnd = columns / width &* width
    for row in 0..<rows {
        let base = weights + row &* rowStride
        // Two accumulators per vector (even and odd column vectors): eight fma chains in flight.
        var s0 = Level.Vector(), s1 = Level.Vector(), s2 = Level.Vector(), s3 = Level.Vector()
        var u0 = Level.Vector(), u1 = Level.Vector(), u2 = Level.Vector(), u3 = Level.Vector()
        var c = 0
        while c < pairEnd {
            let w = Format.vector(base + c &* bytes, as: Level.Vector.self)
            let v = Format.vector(base + (c &+ width) &* bytes, as: Level.Vector.self)
            let offset = c &* 4, next = (c &+ width) &* 4
            Level.multiplyAdd(&s0, w, Level.Vector.load(x0 + offset))
            Level.multiplyAdd(&s1, w, Level.Vector.load(x1 + offset))
            Level.multiplyAdd(&s2, w, Level.Vector.load(x2 + offset))
            Level.multiplyAdd(&s3, w, Level.Vector.load(x3 + offset))
            Level.multiplyAdd(&u0, v, Level.Vector.load(x0 + next))
            Level.multiplyAdd(&u1, v, Level.Vector.load(x1 + next))
            Level.multiplyAdd(&u2, v, Level.Vector.load(x2 + next))
            Level.multiplyAdd(&u3, v, Level.Vector.load(x3 + next))
            c &+= 2 &* width
        }
        if c < vectorEnd {
            let w = Format.vector(base + c &* bytes, as: Level.Vector.self)
            let offset = c &* 4
            Level.multiplyAdd(&s0, w, Level.Vector.load(x0 + offset))
            Level.multiplyAdd(&s1, w, Level.Vector.load(x1 + offset))
            Level.multiplyAdd(&s2, w, Level.Vector.load(x2 + offset))
            Level.multiplyAdd(&s3, w, Level.Vector.load(x3 + offset))
            c &+= width
        }
        var t0: Float = 0, t1: Float = 0, t2: Float = 0, t3: Float = 0
        while c < columns {
            let w = Format.scalar(base + c &* bytes)
            let offset = c &* 4
            Level.multiplyAdd(&t0, w, x0.load(fromByteOffset: offset, as: Float.self))
            Level.multiplyAdd(&t1, w, x1.load(fromByteOffset: offset, as: Float.self))
            Level.multiplyAdd(&t2, w, x2.load(fromByteOffset: offset, as: Float.self))
            Level.multiplyAdd(&t3, w, x3.load(fromByteOffset: offset, as: Float.self))
            c &+= 1
        }
        batch.y[row] = (s0 + u0).total() + t0
        batch.y[batch.yStride &+ row] = (s1 + u1).total() + t1
        batch.y[2 &* batch.yStride &+ row] = (s2 + u2).total() + t2
        batch.y[3 &* batch.yStride &+ row] = (s3 + u3).total() + t3
    }
}

/// The same for q8_0 rows of `blocks` blocks: each block's bytes are widened once and feed four sums,
/// each scaled by the block's d once.
@inlinable
public func matVecQ8BlocksBatch4<Level: KernelLevel>(
    _: Level.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, blocks: Int, batch: Batch4
) {
    let width = Level.width
    let x0 = UnsafeRawPointer(batch.x), x1 = x0 + batch.xStride &* 4
    let x2 = x1 + batch.xStride &* 4, x3 = x2 + batch.xStride &* 4
    for row in 0..<rows {
        let base = weights + row &* rowStride
        var s0 = Level.Vector(), s1 = Level.Vector(), s2 = Level.Vector(), s3 = Level.Vector()
        for block in 0..<blocks {
            let b = base + block &* q8BlockBytes
            let offset = block &* (q8BlockValues &* 4)
            var q = Level.Vector.loadBytes(b + 2)
            var p0 = q * Level.Vector.load(x0 + offset), p1 = q * Level.Vector.load(x1 + offset)
            var p2 = q * Level.Vector.load(x2 + offset), p3 = q * Level.Vector.load(x3 + offset)
            var lane = width
            while lane < q8BlockValues {
                q = Level.Vector.loadBytes(b + (2 &+ lane))
                let at = offset &+ lane &* 4
                Level.multiplyAdd(&p0, q, Level.Vector.load(x0 + at))
                Level.multiplyAdd(&p1, q, Level.Vector.load(x1 + at))
                Level.multiplyAdd(&p2, q, Level.Vector.load(x2 + at))
                Level.multiplyAdd(&p3, q, Level.Vector.load(x3 + at))
                lane &+= width
            }
            let d = Level.Vector(repeating: q8Scale(b))
            Level.multiplyAdd(&s0, p0, d)
            Level.multiplyAdd(&s1, p1, d)
            Level.multiplyAdd(&s2, p2, d)
            Level.multiplyAdd(&s3, p3, d)
        }
        batch.y[row] = s0.total()
        batch.y[batch.yStride &+ row] = s1.total()
        batch.y[2 &* batch.yStride &+ row] = s2.total()
        batch.y[3 &* batch.yStride &+ row] = s3.total()
    }
}
