/// A fastText matrix: dense float rows, or rows product-quantized as in a `.ftz` file. Prediction adds rows
/// into the hidden vector and takes dot products with it, in fastText's order of float operations, so that
/// its probabilities come out bit for bit.
public enum FastTextMatrix: Sendable {
    case dense(DenseRows)
    case quantized(QuantizedRows)

    public var rows: Int {
        switch self {
        case .dense(let m): m.rows
        case .quantized(let m): m.rows
        }
    }

    public var columns: Int {
        switch self {
        case .dense(let m): m.columns
        case .quantized(let m): m.quantizer.dim
        }
    }
}

/// Row-major floats: `rows x columns`.
public struct DenseRows: Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]     // (rows, columns)

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "a dense matrix holds rows x columns values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }
}

/// fastText's product quantizer: each row is split into `subquantizers` slices of `dsub` columns (the last
/// `lastDsub`), each coded by one byte that picks one of 256 centroids of that slice.
public struct ProductQuantizer: Sendable {
    static let centroidsPerSlice = 256
    public let dim: Int
    public let subquantizers: Int
    public let dsub: Int
    public let lastDsub: Int
    public let centroids: [Float]  // (dim * 256): slice m's centroid i at (m * 256 + i) * dsub, the last slice packed by lastDsub

    /// Where centroid `code` of slice `slice` starts.
    @inline(__always)
    func centroidStart(slice: Int, code: UInt8) -> Int {
        slice == subquantizers - 1
            ? slice * Self.centroidsPerSlice * dsub + Int(code) * lastDsub
            : (slice * Self.centroidsPerSlice + Int(code)) * dsub
    }
}

/// A product-quantized matrix, with the rows' norms quantized apart when `quantizedNorm`.
public struct QuantizedRows: Sendable {
    public let rows: Int
    public let codes: [UInt8]         // (rows, subquantizers)
    public let quantizer: ProductQuantizer
    /// One code per row into `normQuantizer`'s 256 one-dimensional centroids; empty without norms.
    public let normCodes: [UInt8]
    public let normQuantizer: ProductQuantizer?

    func norm(ofRow row: Int) -> Float {
        guard let normQuantizer else { return 1 }
        return normQuantizer.centroids[normQuantizer.centroidStart(slice: 0, code: normCodes[row])]
    }
}

extension FastTextMatrix {
    /// `x += row` for each row of `ids`, in order (fastText's `addRowToVector` in a loop): the sums run in the
    /// same order as fastText's, so they round the same way.
    func addRows(_ ids: UnsafeBufferPointer<Int32>, to x: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .dense(let m):
            let columns = m.columns
            m.values.withUnsafeBufferPointer { values in
                if columns % 8 == 0 {
                    // Eight columns per vector: each lane still adds its column's rows one after another, so
                    // the sums round exactly as fastText's.
                    Self.addRowsByEight(ids, values: values, columns: columns, to: x)
                    return
                }
                for id in ids {
                    let row = UnsafeBufferPointer(rebasing: values[Int(id) * columns..<(Int(id) + 1) * columns])
                    for j in 0..<columns { x[j] += row[j] }
                }
            }
        case .quantized(let m):
            let pq = m.quantizer
            m.codes.withUnsafeBufferPointer { codes in
                pq.centroids.withUnsafeBufferPointer { centroids in
                    for id in ids {
                        let row = Int(id)
                        let alpha = m.norm(ofRow: row)
                        for slice in 0..<pq.subquantizers {
                            let start = pq.centroidStart(slice: slice, code: codes[pq.subquantizers * row + slice])
                            let width = slice == pq.subquantizers - 1 ? pq.lastDsub : pq.dsub
                            for n in 0..<width { x[slice * pq.dsub + n] += alpha * centroids[start + n] }
                        }
                    }
                }
            }
        }
    }

    static func addRowsByEight(_ ids: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Float>, columns: Int,
                               to x: UnsafeMutableBufferPointer<Float>) {
        let base = UnsafeRawPointer(values.baseAddress!)
        let out = UnsafeMutableRawPointer(x.baseAddress!)
        let stride = MemoryLayout<Float>.stride
        for chunk in 0..<columns / 8 {
            var sum = out.loadUnaligned(fromByteOffset: chunk * 8 * stride, as: SIMD8<Float>.self)
            for id in ids {
                sum += base.loadUnaligned(fromByteOffset: (Int(id) * columns + chunk * 8) * stride, as: SIMD8<Float>.self)
            }
            out.storeBytes(of: sum, toByteOffset: chunk * 8 * stride, as: SIMD8<Float>.self)
        }
    }

    /// `row . x` for every row, each summed left to right in float (fastText's `Vector::mul(Matrix, Vector)`).
    func multiply(_ x: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .dense(let m):
            let columns = m.columns
            m.values.withUnsafeBufferPointer { values in
                for row in 0..<m.rows {
                    var sum: Float = 0
                    let base = row * columns
                    for j in 0..<columns { sum += values[base + j] * x[j] }
                    output[row] = sum
                }
            }
        case .quantized:
            for row in 0..<rows { output[row] = dotRow(row, x) }
        }
    }

    /// `row . x`, summed left to right in float (fastText's `dotRow`).
    func dotRow(_ row: Int, _ x: UnsafeBufferPointer<Float>) -> Float {
        switch self {
        case .dense(let m):
            return m.values.withUnsafeBufferPointer { values in
                var sum: Float = 0
                let base = row * m.columns
                for j in 0..<m.columns { sum += values[base + j] * x[j] }
                return sum
            }
        case .quantized(let m):
            let pq = m.quantizer
            var sum: Float = 0
            m.codes.withUnsafeBufferPointer { codes in
                pq.centroids.withUnsafeBufferPointer { centroids in
                    for slice in 0..<pq.subquantizers {
                        let start = pq.centroidStart(slice: slice, code: codes[pq.subquantizers * row + slice])
                        let width = slice == pq.subquantizers - 1 ? pq.lastDsub : pq.dsub
                        for n in 0..<width { sum += x[slice * pq.dsub + n] * centroids[start + n] }
                    }
                }
            }
            return sum * m.norm(ofRow: row)
        }
    }
}
