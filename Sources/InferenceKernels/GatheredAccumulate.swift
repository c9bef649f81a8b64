// The sparse feed-forward's down projection: y += sum over the non-zero activations j of a_j * (column j
// of down_proj), with down_proj stored transposed so that each column is one contiguous row. Written once
// for every kernel level.

/// `y[0..<columns] += sum over k of c[k] * (row indices[k])`, over rows of f32 or f16 values. Each column
/// gets `fma(c[k], w[k], y)` for k in order, eight rows per pass over y (y stays in registers for the
/// eight), the rest one at a time. `weights` may point into the middle of a row (a column slice): rows
/// still start `rowStride` bytes apart.
@inlinable
public func accumulateGatheredElements<Level: KernelLevel, Format: ElementFormat>(
    _: Level.Type, _: Format.Type, weights: UnsafeRawPointer, rowStride: Int, indices: UnsafePointer<Int32>,
    count: Int, columns: Int, coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let bytes = Format.valueBytes
    let ys = UnsafeMutableRawPointer(y)
    @inline(__always) func w(_ row: UnsafeRawPointer, _ column: Int) -> Level.Vector {
        Format.vector(row + column &* bytes, as: Level.Vector.self)
    }
    @inline(__always) func scalar(_ row: UnsafeRawPointer, _ column: Int) -> Float { Format.scalar(row + column &* bytes) }
    @inline(__always) func row(_ k: Int) -> UnsafeRawPointer { weights + Int(indices[k]) &* rowStride }
    let columnsInVectors = columns / width &* width
    var k = 0
    // Eight rows per pass while there are: the rows are scattered through memory, and eight streams in
    // flight wait on it less than four. The additions are in the same order either way.
    while k &+ 8 <= count {
        let r0 = row(k), r1 = row(k &+ 1), r2 = row(k &+ 2), r3 = row(k &+ 3)
        let r4 = row(k &+ 4), r5 = row(k &+ 5), r6 = row(k &+ 6), r7 = row(k &+ 7)
        let c0 = Level.Vector(repeating: c[k]), c1 = Level.Vector(repeating: c[k &+ 1])
        let c2 = Level.Vector(repeating: c[k &+ 2]), c3 = Level.Vector(repeating: c[k &+ 3])
        let c4 = Level.Vector(repeating: c[k &+ 4]), c5 = Level.Vector(repeating: c[k &+ 5])
        let c6 = Level.Vector(repeating: c[k &+ 6]), c7 = Level.Vector(repeating: c[k &+ 7])
        var column = 0
        while column < columnsInVectors {
            var sum = Level.Vector.load(ys + column &* 4)
            Level.multiplyAdd(&sum, c0, w(r0, column))
            Level.multiplyAdd(&sum, c1, w(r1, column))
            Level.multiplyAdd(&sum, c2, w(r2, column))
            Level.multiplyAdd(&sum, c3, w(r3, column))
            Level.multiplyAdd(&sum, c4, w(r4, column))
            Level.multiplyAdd(&sum, c5, w(r5, column))
            Level.multiplyAdd(&sum, c6, w(r6, column))
            Level.multiplyAdd(&sum, c7, w(r7, column))
            sum.store(to: ys + column &* 4)
            column &+= width
        }
        while column < columns {
            var sum = y[column]
            Level.multiplyAdd(&sum, c[k], scalar(r0, column))
            Level.multiplyAdd(&sum, c[k &+ 1], scalar(r1, column))
            Level.multiplyAdd(&sum, c[k &+ 2], scalar(r2, column))
            Level.multiplyAdd(&sum, c[k &+ 3], scalar(r3, column))
            Level.multiplyAdd(&sum, c[k &+ 4], scalar(r4, column))
            Level.multiplyAdd(&sum, c[k &+ 5], scalar(r5, column))
            Level.multiplyAdd(&sum, c[k &+ 6], scalar(r6, column))
            Level.multiplyAdd(&sum, c[k &+ 7], scalar(r7, column))
            y[column] = sum
            column &+= 1
        }
        k &+= 8
    }
    while k < count {
        let r0 = row(k)
        let c0 = Level.Vector(repeating: c[k])
        var column = 0
        while column < columnsInVectors {
            var sum = Level.Vector.load(ys + column &* 4)
            Level.multiplyAdd(&sum, c0, w(r0, column))
            sum.store(to: ys + column &* 4)
            column &+= width
        }
        while column < columns {
            Level.multiplyAdd(&y[column], c[k], scalar(r0, column))
            column &+= 1
        }
        k &+= 1
    }
}

/// Lists the non-zero entries of `a[0..<count]` in order, their indices and values, for
/// `accumulateGatheredElements`; returns how many. Thirty-two at a time: a mask of the entries whose
/// bits other than the sign are set (so -0 counts as zero and NaN does not), which the compiler
/// vectorises, then one step per set bit. After squared ReLU most entries are zero, and this took a
/// quarter of the time of a branchless step per entry (0.45 against 1.7 µs for 2,048 at 77.5% zeros).
@inlinable
public func listNonzero(_ a: UnsafePointer<Float>, count: Int, indices: UnsafeMutablePointer<Int32>,
                        values: UnsafeMutablePointer<Float>) -> Int {
    let raw = UnsafeRawPointer(a)
    var listed = 0, start = 0
    while start &+ 32 <= count {
        var mask: UInt32 = 0
        for k in 0..<32 {
            let magnitude = raw.load(fromByteOffset: (start &+ k) &* 4, as: UInt32.self) & 0x7fff_ffff
            mask |= (magnitude != 0 ? 1 : 0) << UInt32(k)
        }
        while mask != 0 {
            let j = start &+ mask.trailingZeroBitCount
            mask &= mask &- 1
            indices[listed] = Int32(truncatingIfNeeded: j)
            values[listed] = a[j]
            listed &+= 1
        }
        start &+= 32
    }
    for j in start..<count where a[j] != 0 {
        indices[listed] = Int32(truncatingIfNeeded: j)
        values[listed] = a[j]
        listed &+= 1
    }
    return listed
}
