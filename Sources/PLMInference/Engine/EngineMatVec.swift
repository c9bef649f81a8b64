import PLMModel

/// Matrix-vector products over stored weights, split by rows over workers (each row by one worker, so
/// the result does not depend on the thread count). A plain reference path: each row is decoded to
/// floats and dotted.
enum EngineMatVec {
    /// y[r] = dot(row r of w, x) for every row.
    static func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                         threads: Int) {
        multiply(w, x: x, into: y, rows: 0..<w.rows, threads: threads)
    }

    /// y[i] = dot(row rows.lowerBound + i of w, x).
    static func multiply(_ w: WeightMatrix, x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                         rows: Range<Int>, threads: Int) {
        Parallel.forEachChunk(rows.count, threads: threads, minimumChunk: 64) { _, chunk in
            let row = UnsafeMutablePointer<Float>.allocate(capacity: w.columns)
            defer { row.deallocate() }
            for i in chunk {
                WeightConversion.decode(w.row(rows.lowerBound + i), count: w.columns, as: w.type, into: row)
                y[i] = VectorKernels.dot(row, x, w.columns)
            }
        }
    }

    /// y[0..<columns] += sum over i of c[i] * (row rows.lowerBound + i of w).
    static func accumulateRows(_ w: WeightMatrix, rows: Range<Int>, coefficients c: UnsafePointer<Float>,
                               into y: UnsafeMutablePointer<Float>) {
        let row = UnsafeMutablePointer<Float>.allocate(capacity: w.columns)
        defer { row.deallocate() }
        for (i, r) in rows.enumerated() {
            WeightConversion.decode(w.row(r), count: w.columns, as: w.type, into: row)
            let factor = c[i]
            for j in 0..<w.columns { y[j] += factor * row[j] }
        }
    }

    /// Rows `range` of w as floats (range.count x columns).
    static func decodeRows(_ w: WeightMatrix, _ range: Range<Int>, into destination: UnsafeMutablePointer<Float>,
                           threads: Int) {
        Parallel.forEachChunk(range.count, threads: threads, minimumChunk: 16) { _, chunk in
            w.decodeRows((range.lowerBound + chunk.lowerBound)..<(range.lowerBound + chunk.upperBound),
                         into: destination + chunk.lowerBound * w.columns)
        }
    }
}
