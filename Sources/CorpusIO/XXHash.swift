import CXXHash

/// A 128-bit hash value (xxh3-128), as two 64-bit halves.
public struct Hash128: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public static func < (a: Hash128, b: Hash128) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// 32 lowercase hex digits, high half first (xxhash's canonical order).
    public var description: String { hex(high) + hex(low) }
}

/// 16 lowercase hex digits, zero-padded.
public func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

/// The xxhash family (libxxhash). Stateless one-shot hashes over byte buffers.
public enum XXHash {
    /// XXH64 with a seed (MinHash shingles use seed 0, as datatrove does).
    public static func xxh64(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        XXH64(bytes.baseAddress, bytes.count, seed)
    }

    /// XXH3 64-bit (mosaicml-streaming's `xxh3_64` shard hash).
    public static func xxh3_64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        XXH3_64bits(bytes.baseAddress, bytes.count)
    }

    /// XXH3 128-bit (exact dedup's document hash).
    public static func xxh3_128(_ bytes: UnsafeRawBufferPointer) -> Hash128 {
        let h = XXH3_128bits(bytes.baseAddress, bytes.count)
        return Hash128(high: h.high64, low: h.low64)
    }

    public static func xxh64(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var copy = text
        return copy.withUTF8 { xxh64(UnsafeRawBufferPointer($0), seed: seed) }
    }

    public static func xxh3_64(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { xxh3_64(UnsafeRawBufferPointer($0)) }
    }

    public static func xxh3_128(_ text: String) -> Hash128 {
        var copy = text
        return copy.withUTF8 { xxh3_128(UnsafeRawBufferPointer($0)) }
    }
}

/// Streaming XXH3-64 over data that arrives in pieces (checksums of files read in chunks).
/// Owns one `XXH3_state_t`.
public final class XXH3Stream {
    private let state: OpaquePointer

    public init() {
        state = XXH3_createState()
        XXH3_64bits_reset(state)
    }

    deinit { XXH3_freeState(state) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        XXH3_64bits_update(state, bytes.baseAddress, bytes.count)
    }

    public var digest: UInt64 { XXH3_64bits_digest(state) }
}
