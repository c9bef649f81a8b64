import InferenceKernels

extension MatVec {
    /// `ys[j * yStride + r] = dot(row r of w, x_j)` with `x_j = xs + j * xStride`, for j in 0..<count: a few
    /// vectors at once (the prefill of a short prompt), reading the weights once per four vectors instead
    /// of once per vector. Rows are split over `threads` threads as in `multiply(_:x:into:threads:)`; the
    /// results do not depend on `threads`, but may differ in the last bits from `multiply`'s (another
    /// summation order). q8_0 weights take x in f32 here (`Q8Method.floatActivations`).
    public static func multiply(_ w: WeightMatrix, batch xs: UnsafePointer<Float>, count: Int, xStride: Int,
                                into ys: UnsafeMutablePointer<Float>, yStride: Int, threads: Int,
                                level: MatVecLevel = .active) {
        precondition(xStride >= w.columns && yStride >= w.rows, "vectors overlap")
        var first = 0
        while first < count {
            let pass = min(4, count - first)
            let x = xs + first * xStride, y = ys + first * yStride
            if pass == 4 {
                multiplyFour(w, Batch4(x: x, xStride: xStride, y: y, yStride: yStride), threads: threads, level: level)
            } else {
                // Fewer than four left: run four, the missing ones zero, through scratch vectors.
                let xScratch = UnsafeMutablePointer<Float>.allocate(capacity: 4 * w.columns)
                let yScratch = UnsafeMutablePointer<Float>.allocate(capacity: 4 * w.rows)
                defer {
                    xScratch.deallocate()
                    yScratch.deallocate()
                }
                xScratch.initialize(repeating: 0, count: 4 * w.columns)
                for j in 0..<pass { (xScratch + j * w.columns).update(from: x + j * xStride, count: w.columns) }
                multiplyFour(w, Batch4(x: xScratch, xStride: w.columns, y: yScratch, yStride: w.rows), threads: threads,
                             level: level)
                for j in 0..<pass { (y + j * yStride).update(from: yScratch + j * w.rows, count: w.rows) }
            }
            first += pass
        }
    }

    /// The four vectors of `batch`, rows split over the worker pool.
    private static func multiplyFour(_ w: WeightMatrix, _ batch: Batch4, threads: Int, level: MatVecLevel) {
        let set = kernels(level)
        let minimumRows = max(1, minimumChunkBytes / max(1, w.rowBytes))
        let workers = KernelWorkers.shared(threads: threads)
        workers.forEachChunk(w.rows, chunks: 4 * workers.threads, minimumChunk: minimumRows) { range in
            let start = w.row(range.lowerBound)
            let part = Batch4(x: batch.x, xStride: batch.xStride, y: batch.y + range.lowerBound, yStride: batch.yStride)
            switch w.type {
            case .f32:
                set.matVecF32Batch4(weights: start, rowStride: w.rowBytes, rows: range.count, columns: w.columns,
                                    batch: part)
            case .f16:
                set.matVecF16Batch4(weights: start, rowStride: w.rowBytes, rows: range.count, columns: w.columns,
                                    batch: part)
            case .q8_0:
                set.matVecQ8Batch4(weights: start, rowStride: w.rowBytes, rows: range.count,
                                   blocks: w.columns / Q8_0.blockValues, batch: part)
            }
        }
    }
}
