import CBLAS

/// The BLAS library in use (OpenBLAS through cblas): matrix products and the facts a trainer must
/// report about it. The only file that imports CBLAS.
public enum BLAS {
    /// The kernel OpenBLAS chose for this CPU (`Haswell`, `SkylakeX`, `Prescott`, ...). It is fixed
    /// when the library loads, from the CPU or from `OPENBLAS_CORETYPE`.
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// OpenBLAS's build description (version, threading model, core).
    public static var configuration: String {
        openblas_get_config().map { String(cString: $0) } ?? "unknown"
    }

    /// Kernels OpenBLAS falls back to when it does not recognise a CPU; several times slower than
    /// the CPU's real kernel on anything with AVX2 or AVX-512.
    public static let genericKernels: Set<String> = ["prescott", "core2", "katmai", "coppermine", "northwood",
                                                     "banias", "atom", "generic"]

    /// True when the loaded kernel is a generic fallback.
    public static var isGenericKernel: Bool { genericKernels.contains(coreName.lowercased()) }

    /// A warning to print when the kernel is a generic fallback, naming the fix.
    public static var kernelWarning: String? {
        guard isGenericKernel else { return nil }
        return "OpenBLAS is using its generic '\(coreName)' kernel. If this CPU has AVX-512, run with "
            + "OPENBLAS_CORETYPE=SkylakeX (AVX2: Haswell) in the environment; it is read when the library loads."
    }

    /// OpenBLAS's own thread pool is process-global state; it is set to one thread once, before the
    /// first product, and never changed. Every product states its own thread count instead and is cut
    /// into that many independent blocks of rows (or columns) of C, each a single-threaded sgemm on
    /// one of our workers: callers on different threads cannot disturb each other, and because every
    /// element of C is still summed by one kernel over the same K order, the result does not depend on
    /// the thread count.
    private static let singleThreadedPool: Void = { openblas_set_num_threads(1) }()

    /// Products smaller than this many multiply-adds per block are not split (a worker hand-off costs
    /// a few microseconds).
    static let minimumBlockWork = 1 << 18

    /// C = alpha * op(A) * op(B) + beta * C for row-major fp32 matrices, on `threads` workers.
    /// A is (M, K) after `transposeA`, B is (K, N) after `transposeB`, C is (M, N).
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                             c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int = 1) {
        _ = singleThreadedPool
        guard m > 0, n > 0 else { return }
        let work = m * n * max(k, 1)
        let blocks = max(1, min(threads, work / minimumBlockWork))
        // Cut the larger of M and N, on multiples of 16 (the kernels' register blocking).
        let splitRows = m >= n
        let length = splitRows ? m : n
        let pieces = min(blocks, max(1, length / 16))
        if pieces <= 1 {
            gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        let bounds = (0...pieces).map { min(length, ($0 * length / pieces + 15) / 16 * 16) }
        Parallel.forEachChunk(pieces, threads: pieces) { _, range in
            for piece in range {
                let lower = bounds[piece], upper = piece + 1 == pieces ? length : bounds[piece + 1]
                guard upper > lower else { continue }
                if splitRows {
                    gemm(transposeA, transposeB, upper - lower, n, k, alpha, transposeA ? a + lower : a + lower * lda,
                         lda, b, ldb, beta, c + lower * ldc, ldc)
                } else {
                    gemm(transposeA, transposeB, m, upper - lower, k, alpha, a, lda,
                         transposeB ? b + lower * ldb : b + lower, ldb, beta, c + lower, ldc)
                }
            }
        }
    }

    private static func gemm(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                             _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                             _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
