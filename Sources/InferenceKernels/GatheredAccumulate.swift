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

/// The same over a q8_0 matrix stored by columns: `quants` holds row j's signed bytes (`quantStride`
/// bytes apart) and `scales` the float scales of block j / 32 (`scaleStride` floats apart), one per
/// column, so `w[j][i] = scales[j / 32][i] * quants[j][i]`: exactly the values of the q8_0 matrix it came
/// from. `y[i] += sum over k of c[k] * w[indices[k]][i]`.
@inlinable
public func accumulateGatheredQ8Columns<Level: KernelLevel>(
    _: Level.Type, quants: UnsafeRawPointer, quantStride: Int, scales: UnsafePointer<Float>, scaleStride: Int,
    indices: UnsafePointer<Int32>, count: Int, columns: Int, coefficients c: UnsafePointer<Float>,
    into y: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let ys = UnsafeMutableRawPointer(y)
    let columnsInVectors = columns / width &* width
    @inline(__always) func q(_ k: Int) -> UnsafeRawPointer { quants + Int(indices[k]) &* quantStride }
    @inline(__always) func s(_ k: Int) -> UnsafeRawPointer { UnsafeRawPointer(scales + (Int(indices[k]) >> 5) &* scaleStride) }
    var k = 0
    // Four rows per pass while there are (more streams in flight, as above), in the same order.
    while k &+ 4 <= count {
        let q0 = q(k), q1 = q(k &+ 1), q2 = q(k &+ 2), q3 = q(k &+ 3)
        let s0 = s(k), s1 = s(k &+ 1), s2 = s(k &+ 2), s3 = s(k &+ 3)
        let c0 = Level.Vector(repeating: c[k]), c1 = Level.Vector(repeating: c[k &+ 1])
        let c2 = Level.Vector(repeating: c[k &+ 2]), c3 = Level.Vector(repeating: c[k &+ 3])
        var column = 0
        while column < columnsInVectors {
            var sum = Level.Vector.load(ys + column &* 4)
            Level.multiplyAdd(&sum, c0 * Level.Vector.load(s0 + column &* 4), Level.Vector.loadBytes(q0 + column))
            Level.multiplyAdd(&sum, c1 * Level.Vector.load(s1 + column &* 4), Level.Vector.loadBytes(q1 + column))
            Level.multiplyAdd(&sum, c2 * Level.Vector.load(s2 + column &* 4), Level.Vector.loadBytes(q2 + column))
            Level.multiplyAdd(&sum, c3 * Level.Vector.load(s3 + column &* 4), Level.Vector.loadBytes(q3 + column))
            sum.store(to: ys + column &* 4)
            column &+= width
        }
        while column < columns {
            @inline(__always) func add(_ qr: UnsafeRawPointer, _ sr: UnsafeRawPointer, _ kk: Int) {
                Level.multiplyAdd(&y[column], c[kk] * sr.load(fromByteOffset: column &* 4, as: Float.self),
                                  Float(qr.load(fromByteOffset: column, as: Int8.self)))
            }
            add(q0, s0, k)
            add(q1, s1, k &+ 1)
            add(q2, s2, k &+ 2)
            add(q3, s3, k &+ 3)
            column &+= 1
        }
        k &+= 4
    }
    while k < count {
        let q0 = q(k), s0 = s(k)
        let c0 = Level.Vector(repeating: c[k])
        var column = 0
        while column < columnsInVectors {
            var sum = Level.Vector.load(ys + column &* 4)
            Level.multiplyAdd(&sum, c0 * Level.Vector.load(s0 + column &* 4), Level.Vector.loadBytes(q0 + column))
            sum.store(to: ys + column &* 4)
            column &+= width
        }
        while column < columns {
            Level.multiplyAdd(&y[column], c[k] * s0.load(fromByteOffset: column &* 4, as: Float.self),
                              Float(q0.load(fromByteOffset: column, as: Int8.self)))
            column &+= 1
        }
        k &+= 1
    }
}
