/// The sampler's random numbers: xoshiro256** (Blackman and Vigna, 2018) with its 256-bit state filled
/// from the seed by SplitMix64, the same pair `PLMModel`'s normal generator uses. Only integer
/// arithmetic, so the same seed gives the same sequence on every machine and compiler.
///
/// A draw in [0, 1) is the top 53 bits of one output times 2^-53. The token a draw selects also
/// depends on the softmax weights, which come from the platform's `exp`; two machines pick different
/// tokens only when a draw lands within a rounding error of the boundary between two tokens.
public struct SamplingRandom: RandomNumberGenerator, Sendable, Equatable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix()
        s1 = splitmix()
        s2 = splitmix()
        s3 = splitmix()
    }

    public mutating func next() -> UInt64 {
        let result = Self.rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotate(s3, 45)
        return result
    }

    /// Uniform in [0, 1), on a grid of 2^-53.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    @inline(__always)
    private static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
