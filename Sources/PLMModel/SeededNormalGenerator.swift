import Foundation

/// Standard normal draws from a seeded xoshiro256** generator (state filled by splitmix64) with the
/// Box-Muller transform: the same seed gives the same initial parameters on every platform.
struct SeededNormalGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    private var spare: Double?

    init(seed: UInt64) {
        var s = seed
        func splitmix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    private mutating func nextBits() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// Uniform in (0, 1]: 53 random bits, never 0 (Box-Muller takes its log).
    private mutating func uniform() -> Double {
        Double((nextBits() >> 11) + 1) * 0x1p-53
    }

    /// One draw from N(0, 1).
    mutating func next() -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        let radius = (-2 * log(uniform())).squareRoot(), angle = 2 * Double.pi * uniform()
        spare = radius * sin(angle)
        return radius * cos(angle)
    }
}
