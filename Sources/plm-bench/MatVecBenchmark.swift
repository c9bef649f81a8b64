import ArgumentParser
import Foundation
import PLMInference

/// The decode path's matrix-vector kernels for each weight type x kernel level x thread count x shape:
/// GB/s of weight bytes read and GFLOP/s, beside the memory bandwidth measured in the same run. Each
/// shape is timed twice: "cached" runs the same matrix again and again (it stays in cache when it fits:
/// compute efficiency), "streamed" cycles through copies totalling at least 256 MiB, so every product
/// reads its weights from memory as decode of a model larger than the caches does.
struct MatVecBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matvec",
        abstract: "Matrix-vector kernels (f32, f16, q8_0): GB/s and GFLOP/s per level and thread count, "
            + "beside the measured memory bandwidth.")

    @Option(help: "Weight types, comma-separated: f32, f16, q8_0.")
    var types = "f32,f16,q8_0"

    @Option(help: "Kernel levels, comma-separated: portable, avx2, avx512 (default: every level this CPU runs).")
    var levels: String?

    @Option(help: "Thread counts, comma-separated.")
    var threads = "1,2"

    @Option(help: "Shape sets, comma-separated: small (plm-small), 1.8b (PLM-1.8B layers), head (its tied output head).")
    var shapes = "small,1.8b"

    @Option(help: "How q8_0 products take x: float, quantized or both (see Q8Method).")
    var q8 = "both"

    @Option(help: "Timed runs per measurement; the median is printed.")
    var repeats = 7

    @Flag(help: "Time one-thread runs by the thread's CPU clock instead of the wall clock (on a busy machine).")
    var cpuClock = false

    @Flag(help: "Also time accumulateRows (the transposed product, one thread).")
    var accumulate = false

    @Option(help: "Also time batches of these vector counts (comma-separated, e.g. 4,8) against as many single products.")
    var batch = ""

    static let shapeSets: [String: [(rows: Int, columns: Int)]] = [
        // q_proj 768x512, o_proj 512x512, up 2048x512, down 512x2048, output head 8192x512.
        "small": [(512, 512), (768, 512), (2048, 512), (512, 2048), (8192, 512)],
        // q_proj, kv_a, kv_b, o_proj, up, down.
        "1.8b": [(3072, 2048), (576, 2048), (4096, 512), (2048, 2048), (8192, 2048), (2048, 8192)],
        "head": [(151_936, 2048)],
    ]

    func run() throws {
        let typeList = try types.split(separator: ",").map { name in
            guard let type = WeightType(rawValue: String(name)) else { throw ValidationError("unknown type \(name)") }
            return type
        }
        let levelList = try levels.map { names in
            try names.split(separator: ",").map { name in
                guard let level = MatVecLevel(rawValue: String(name)), level.isSupported else {
                    throw ValidationError("level \(name) is not one this CPU runs: "
                        + MatVecLevel.supported.map(\.rawValue).joined(separator: ", "))
                }
                return level
            }
        } ?? MatVecLevel.supported
        let threadList = threads.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        let q8Methods: [Q8Method] = switch q8 {
        case "float": [.floatActivations]
        case "quantized": [.quantizedActivations]
        case "both": Q8Method.allCases
        default: throw ValidationError("--q8 is float, quantized or both")
        }
        let shapeList = try shapes.split(separator: ",").flatMap { name in
            guard let set = Self.shapeSets[String(name)] else { throw ValidationError("unknown shape set \(name)") }
            return set
        }

        print("kernels: \(MatVec.kernelName) active (PLM_KERNELS or the best this CPU runs); this CPU runs "
            + MatVecLevel.supported.map(\.rawValue).joined(separator: ", ")
            + "; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        var readBandwidth: [Int: Double] = [:]
        for count in threadList {
            let bandwidth = MemoryBandwidth.measure(threads: count)
            readBandwidth[count] = bandwidth.readBytesPerSecond
            print(String(format: "memory bandwidth (512 MiB, %d thread%@): read %.1f GB/s, copy %.1f GB/s (read + write)",
                         count, count == 1 ? "" : "s", bandwidth.readBytesPerSecond / 1e9,
                         bandwidth.copyBytesPerSecond / 1e9))
        }
        print("q8_0 x: f32 = x stays f32 (bytes widened to floats), q8 = x quantized to q8_0 once per product "
            + "(integer block products); preferred per level: "
            + MatVecLevel.supported.map { "\($0.rawValue) \(Q8Method.preferred($0) == .floatActivations ? "f32" : "q8")" }
            .joined(separator: ", "))
        print("type      level     thr  rows x columns      MiB |  cached GB/s  GFLOP/s | streamed GB/s  GFLOP/s  % of read")
        for type in typeList {
            for shape in shapeList {
                let bench = MatVecShapeRun(type: type, rows: shape.rows, columns: shape.columns)
                var products = (type == .q8_0 ? q8Methods : [.floatActivations]).map(MatVecShapeRun.Product.multiply)
                if accumulate { products.append(.accumulate) }
                for product in products {
                    for level in levelList {
                        for count in threadList where count == 1 || product != .accumulate {
                            let clock = cpuClock && count == 1
                            let cached = bench.secondsPerProduct(product, level: level, threads: count, streamed: false,
                                                                 repeats: repeats, threadCPU: clock)
                            let streamed = bench.secondsPerProduct(product, level: level, threads: count, streamed: true,
                                                                   repeats: repeats, threadCPU: clock)
                            let bytes = Double(bench.matrixBytes), flops = 2 * Double(shape.rows * shape.columns)
                            let fraction = bytes / streamed / (readBandwidth[count] ?? .nan)
                            print(product.label(type).padding(toLength: 10, withPad: " ", startingAt: 0)
                                + level.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                                + String(format: "%3d  %6d x %-6d %7.1f | %12.1f %8.1f | %13.1f %8.1f  %8.0f%%",
                                         count, shape.rows, shape.columns,
                                         bytes / 1_048_576, bytes / cached / 1e9, flops / cached / 1e9,
                                         bytes / streamed / 1e9, flops / streamed / 1e9, 100 * fraction))
                        }
                    }
                }
            }
        }
        let batchCounts = batch.split(separator: ",").compactMap { Int($0) }.filter { $0 > 1 }
        if !batchCounts.isEmpty {
            try MatVecBatchReport(types: typeList, levels: levelList, shapes: shapeList, threads: threadList,
                                  counts: batchCounts, repeats: repeats).run()
        }
    }
}

/// One shape and type prepared for timing: enough copies of the matrix to stream from memory.
struct MatVecShapeRun {
    let matrices: [WeightMatrix]
    let x: [Float]
    let coefficients: [Float]
    let rows: Int
    let matrixBytes: Int

    init(type: WeightType, rows: Int, columns: Int) {
        let rowBytes = type.rowBytes(columns: columns)
        let matrixBytes = rows * rowBytes
        let copies = max(2, (256 << 20) / max(1, matrixBytes) + 1)
        // Random rows converted once, then tiled: converting a 1 GiB matrix value by value would take longer
        // than timing it.
        let tileRows = min(rows, 64)
        var random = SystemRandomNumberGenerator()
        let values = (0..<(tileRows * columns)).map { _ in Float.random(in: -1...1, using: &random) }
        let tile = WeightMatrix.converting(values, rows: tileRows, columns: columns, to: type)
        let storage = WeightStorage(allocating: copies * matrixBytes)
        for row in 0..<(copies * rows) {
            (storage.base + row * rowBytes).copyMemory(from: tile.row(row % tileRows), byteCount: rowBytes)
        }
        matrices = (0..<copies).map { copy in
            WeightMatrix(type: type, rows: rows, columns: columns, data: storage.base + copy * matrixBytes,
                         storage: storage)
        }
        x = (0..<columns).map { _ in Float.random(in: -1...1, using: &random) }
        coefficients = (0..<rows).map { _ in Float.random(in: -1...1, using: &random) / Float(rows) }
        self.rows = rows
        self.matrixBytes = matrixBytes
    }

    /// What is timed: `MatVec.multiply` (q8_0 weights taking x as the method says) or `accumulateRows`.
    enum Product: Equatable {
        case multiply(Q8Method)
        case accumulate

        func label(_ type: WeightType) -> String {
            switch self {
            case .multiply(let method):
                type != .q8_0 ? type.rawValue : method == .floatActivations ? "q8_0/f32" : "q8_0/q8"
            case .accumulate: type.rawValue + " acc"
            }
        }
    }

    /// Median seconds of `count` vectors times each copy in turn (streamed), as one batch or as `count`
    /// single products (with the level's preferred q8_0 method).
    func secondsPerBatch(count: Int, batched: Bool, level: MatVecLevel, threads: Int, repeats: Int) -> Double {
        let columns = x.count
        let xs = (0..<count).flatMap { j in x.map { $0 + Float(j) } }
        var ys = [Float](repeating: 0, count: count * rows)
        let seconds = MemoryBandwidth.medianSeconds(repeats) {
            if batched {
                for matrix in matrices {
                    MatVec.multiply(matrix, batch: xs, count: count, xStride: columns, into: &ys, yStride: rows,
                                    threads: threads, level: level)
                }
            } else {
                // Token by token, each through all the copies: as a prompt's tokens go through a model larger
                // than the caches one at a time.
                xs.withUnsafeBufferPointer { xs in
                    ys.withUnsafeMutableBufferPointer { ys in
                        for j in 0..<count {
                            for matrix in matrices {
                                MatVec.multiply(matrix, x: xs.baseAddress! + j * columns, into: ys.baseAddress! + j * rows,
                                                threads: threads, level: level)
                            }
                        }
                    }
                }
            }
        }
        return seconds / Double(matrices.count)
    }

    /// Median seconds of one product: the first matrix again and again, or each copy in turn.
    func secondsPerProduct(_ product: Product, level: MatVecLevel, threads: Int, streamed: Bool, repeats: Int,
                           threadCPU: Bool) -> Double {
        var y = [Float](repeating: 0, count: max(rows, x.count))
        let used = streamed ? matrices : [matrices[0]]
        let passes = streamed ? repeats : repeats * 4
        let seconds = MemoryBandwidth.medianSeconds(passes, threadCPU: threadCPU) {
            for matrix in used {
                switch product {
                case .multiply(let method):
                    MatVec.multiply(matrix, x: x, into: &y, threads: threads, level: level, q8: method)
                case .accumulate:
                    coefficients.withUnsafeBufferPointer { c in
                        MatVec.accumulateRows(matrix, rows: 0..<rows, coefficients: c.baseAddress!, into: &y, level: level)
                    }
                }
            }
        }
        return seconds / Double(used.count)
    }
}
