import CorpusIO
import Foundation

/// The instruction-set levels the matrix-vector kernels are built for, and which of them this CPU runs.
public enum MatVecLevel: String, CaseIterable, Sendable, Comparable {
    /// Baseline instructions (SSE2 on x86-64, NEON on arm64): runs everywhere.
    case portable
    /// Haswell-class x86: AVX2, FMA, F16C (the InferenceKernelsAVX2 module, `-target-cpu haswell`).
    case avx2
    /// AVX-512 x86: F, CD, BW, DQ, VL (the InferenceKernelsAVX512 module, `-target-cpu skylake-avx512`).
    case avx512

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The `/proc/cpuinfo` flags a level's module may use: what its `-target-cpu` lets the compiler emit.
    var requiredFlags: [String] {
        let haswell = ["avx", "avx2", "bmi1", "bmi2", "fma", "f16c", "movbe"]
        switch self {
        case .portable: return []
        case .avx2: return haswell
        case .avx512: return haswell + ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        }
    }

    /// The levels this CPU runs, lowest first (always at least `.portable`). Read once per process.
    public static let supported: [MatVecLevel] = {
        let flags = CPUFlags.current
        return allCases.filter { level in level.requiredFlags.allSatisfy(flags.contains) }
    }()

    /// Whether this CPU runs the level.
    public var isSupported: Bool { Self.supported.contains(self) }

    /// The level the kernels run at: `PLM_KERNELS` (portable, avx2 or avx512) when set, else the highest
    /// level this CPU runs. A requested level the CPU lacks, or an unknown name, stops the process with a
    /// message rather than running the wrong code (tests and benchmarks set the variable on purpose).
    public static let active: MatVecLevel = {
        guard let requested = ProcessInfo.processInfo.environment["PLM_KERNELS"], !requested.isEmpty else {
            return supported.last!
        }
        switch choose(requested: requested) {
        case .success(let level): return level
        case .failure(let message): fatalError(message.text)
        }
    }()

    /// A message explaining why a requested level cannot run.
    struct Refusal: Error { let text: String }

    /// The level named by `requested` if this CPU runs it.
    static func choose(requested: String) -> Result<MatVecLevel, Refusal> {
        guard let level = MatVecLevel(rawValue: requested.lowercased()) else {
            return .failure(Refusal(text: "PLM_KERNELS=\(requested): expected one of "
                + allCases.map(\.rawValue).joined(separator: ", ")))
        }
        guard level.isSupported else {
            let missing = level.requiredFlags.filter { !CPUFlags.current.contains($0) }
            return .failure(Refusal(text: "PLM_KERNELS=\(requested): this CPU lacks "
                + missing.joined(separator: ", ") + "; it runs " + supported.map(\.rawValue).joined(separator: ", ")))
        }
        return .success(level)
    }
}

/// The CPU feature flags, as Linux lists them in `/proc/cpuinfo`. Empty elsewhere (and on non-x86
/// CPUs), which leaves only the portable kernels.
enum CPUFlags {
    static let current: Set<String> = {
        #if arch(x86_64) && os(Linux)
        guard let info = try? FileInput.readAll(path: "/proc/cpuinfo", limit: 1 << 22) else { return [] }
        let text = String(decoding: info, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: " ").map(String.init))
        #else
        return []
        #endif
    }()
}
