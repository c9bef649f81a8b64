import Foundation

/// What an engine holds while it decodes, by part: the weights as loaded, the sparse path's copy of
/// down_proj (if on), the cache's allocation and the scratch arena (sized to the largest call so far:
/// one token's worth when only decoding), beside the process's peak resident set.
public struct EngineMemory: Codable, Sendable, Equatable {
    public var weightBytes: Int
    public var sparseCopyBytes: Int
    /// The up_proj predictors' low-rank factors, if on.
    public var predictorBytes: Int
    public var cacheBytes: Int
    public var scratchBytes: Int
    /// The process's peak resident set so far (getrusage), everything included.
    public var peakResidentBytes: Int

    enum CodingKeys: String, CodingKey {
        case weightBytes = "weight_bytes", sparseCopyBytes = "sparse_copy_bytes", predictorBytes = "predictor_bytes"
        case cacheBytes = "cache_bytes"
        case scratchBytes = "scratch_bytes", peakResidentBytes = "peak_resident_bytes"
    }

    /// One line for a terminal, in MiB.
    public var summary: String {
        func mib(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
        return "memory: weights \(mib(weightBytes)) MiB" + (sparseCopyBytes > 0 ? " + sparse down_proj \(mib(sparseCopyBytes))" : "")
            + (predictorBytes > 0 ? " + predictors \(mib(predictorBytes))" : "")
            + ", cache \(mib(cacheBytes)), scratch \(mib(scratchBytes)); peak RSS \(mib(peakResidentBytes)) MiB"
    }
}

extension PLMEngine {
    /// The engine's memory now, with `cache` as its cache.
    public func memory(cache: KVCache) -> EngineMemory {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return EngineMemory(weightBytes: weights.byteCount, sparseCopyBytes: sparseDown?.reduce(0) { $0 + $1.byteCount } ?? 0,
                            predictorBytes: predictors?.reduce(0) { $0 + $1.byteCount } ?? 0, cacheBytes: cache.allocatedBytes, scratchBytes: scratchBytes,
                            peakResidentBytes: Int(usage.ru_maxrss) * 1024)
    }
}
