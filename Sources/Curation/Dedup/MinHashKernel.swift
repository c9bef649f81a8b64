import CorpusIO
import MinHashAVX2

/// Applies every permutation to a batch of shingles and keeps the minima, with the fastest kernel
/// this CPU runs: the AVX2 build when `/proc/cpuinfo` lists its features, else a portable scalar
/// loop. Both compute exactly `((h * a + b) mod 2^64) mod (2^61 - 1)`.
enum MinHashKernel {
    /// Checked once per process.
    static let hasAVX2: Bool = {
        #if arch(x86_64) && os(Linux)
        guard let info = try? FileInput.readAll(path: "/proc/cpuinfo", limit: 1 << 22) else { return false }
        let text = String(decoding: info, as: UTF8.self)
        guard let flags = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let present = Set(flags.split(separator: " ").map(String.init))
        // What `-target-cpu haswell` lets the compiler use.
        return ["avx", "avx2", "bmi1", "bmi2", "fma", "f16c", "movbe"].allSatisfy(present.contains)
        #else
        return false
        #endif
    }()

    static func fold(_ shingles: UnsafeBufferPointer<UInt64>, a: UnsafeBufferPointer<UInt64>,
                     b: UnsafeBufferPointer<UInt64>, into minima: UnsafeMutableBufferPointer<UInt64>) {
        if hasAVX2 {
            minHashFoldAVX2(shingles: shingles, a: UnsafeRawPointer(a.baseAddress!), b: UnsafeRawPointer(b.baseAddress!),
                            minima: UnsafeMutableRawPointer(minima.baseAddress!), count: minima.count)
        } else {
            for shingle in shingles { foldScalar(shingle, a: a, b: b, into: minima) }
        }
    }

    /// Branches instead of selects: on plain x86-64 (SSE2) the compiler's 2-lane vector version of
    /// this loop, with emulated 64-bit compares, is slower than scalar code.
    @inline(__always)
    static func foldScalar(_ shingle: UInt64, a: UnsafeBufferPointer<UInt64>, b: UnsafeBufferPointer<UInt64>,
                           into minima: UnsafeMutableBufferPointer<UInt64>) {
        let prime = MinHashPermutations.mersennePrime
        var index = 0
        while index < minima.count {
            let x = shingle &* a[index] &+ b[index]
            var value = (x & prime) &+ (x >> 61)
            if value >= prime { value &-= prime }
            if value < minima[index] { minima[index] = value }
            index &+= 1
        }
    }
}
