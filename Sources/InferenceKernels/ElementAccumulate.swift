// The transposed product over rows of f32 or f16 values, y += sum of c[r] * (row r), written once for
// every kernel level.

/// `y[0..<columns] += sum over r of c[r] * (row r)`, the transposed product. Each column gets
/// `fma(c[r], w[r], y)` for r in order: the result does not depend on the grouping, and is the same for
/// every vector width with the same fma rule. Rows are read one at a time (one linear stream, y stays in
/// L1), or four per pass over y when y is too large for L1 (see ElementRows.swift).
@inlinable
public func accumulateElements<Level: KernelLevel, Format: ElementFormat>(
    _: Level.Type, _: Format.Type, weights: UnsafeRawPointer, rowStride: Int, rows: Int, columns: Int,
    coefficients c: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let bytes = Format.valueBytes
    let ys = UnsafeMutableRawPointer(y)
    @inline(__always) func w(_ row: UnsafeRawPointer, _ column: Int) -> Level.Vector {
        Format.vector(row + column &* bytes, as: Level.Vector.self)
    }
    @inline(__always) func scalar(_ row: UnsafeRawPointer, _ column: Int) -> Float {
        Format.scalar(row + column &* bytes)
    }

    let grouped = groupsRows(xBytes: columns &* 4)
    var row = 0
    while grouped && row &+ 4 <= rows {
        let r0 = weights + row &* rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride
        let c0 = Level.Vector(repeating: c[row]), c1 = Level.Vector(repeating: c[row &+ 1])
        let c2 = Level.Vector(repeating: c[row &+ 2]), c3 = Level.Vector(repeating: c[row &+ 3])
        let columnsInVectors = columns / width &* width
        var column = 0
        while column < columnsInVectors {
            var sum = Level.Vector.load(ys + column &* 4)
            Level.multiplyAdd(&sum, c0, w(r0, column))
            Level.multiplyAdd(&sum, c1, w(r1, column))
            Level.multiplyAdd(&sum, c2, w(r2, column))
            Level.multiplyAdd(&sum, c3, w(r3, column))
            sum.store(to: ys + column &* 4)
            column &+= width
        }
        while column < columns {
            var sum = y[column]
            Level.multiplyAdd(&sum, c0[0], scalar(r0, column))
            Level.multiplyAdd(&sum, c1[0], scalar(r1, column))
            Level.multiplyAdd(&sum, c2[0], scalar(r2, column))
            Level.multiplyAdd(&sum, c3[0], scalar(r3, column))
            y[column] = sum
            column &+= 1
        }
        row &+= 4
    }
    while row < rows {
        let r0 = weights + row &* rowStride
        let c0 = Level.Vector(repeating: c[row])
        let columnsInVectors = columns / width &* width
        var column = 0
        while column < columnsInVectors {
            var sum = Level.Vector.load(ys + column &* 4)
            Level.multiplyAdd(&sum, c0, w(r0, column))
            sum.store(to: ys + column &* 4)
            column &+= width
        }
        while column < columns {
            Level.multiplyAdd(&y[column], c0[0], scalar(r0, column))
            column &+= 1
        }
        row &+= 1
    }
}
