import Foundation
import PLMInference

/// `plm-bench matvec --batch`: a few vectors per pass over the weights (the prefill of a short prompt)
/// against as many single products, with matrices streamed from memory.
struct MatVecBatchReport {
    let types: [WeightType]
    let levels: [MatVecLevel]
    let shapes: [(rows: Int, columns: Int)]
    let threads: [Int]
    let counts: [Int]
    let repeats: Int

    func run() throws {
        print("batches (streamed): n vectors in passes of four over the weights vs n single products, token by "
            + "token; ms per matrix")
        print("type   level     thr  rows x columns    n | batch ms  singles ms  speedup")
        for type in types {
            for shape in shapes {
                let bench = MatVecShapeRun(type: type, rows: shape.rows, columns: shape.columns)
                for level in levels {
                    for count in threads {
                        for n in counts {
                            let batched = bench.secondsPerBatch(count: n, batched: true, level: level, threads: count,
                                                                repeats: repeats)
                            let singles = bench.secondsPerBatch(count: n, batched: false, level: level, threads: count,
                                                                repeats: repeats)
                            print(type.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                                + level.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                                + String(format: "%3d  %6d x %-6d %2d | %8.3f  %10.3f  %6.2fx", count, shape.rows,
                                         shape.columns, n, batched * 1e3, singles * 1e3, singles / batched))
                        }
                    }
                }
            }
        }
    }
}
