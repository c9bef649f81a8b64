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

    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(count)) }

    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with BLAS limited to `count` threads, then restores the previous count. Used around
    /// regions that call sgemm from several workers at once, each on its own small product.
    public static func withThreads<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        let previous = threads
        setThreads(count)
        defer { setThreads(previous) }
        return try body()
    }

    /// C = alpha * op(A) * op(B) + beta * C for row-major fp32 matrices.
    /// A is (M, K) after `transposeA`, B is (K, N) after `transposeB`, C is (M, N).
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                             c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
