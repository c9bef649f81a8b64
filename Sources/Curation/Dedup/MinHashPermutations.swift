/// The permutation parameters of datatrove's MinHash (0.10.1, `MinhashDedupSignature.parameters`).
///
/// Each of the `buckets * hashesPerBucket` permutations maps a shingle hash `h` to
/// `((h &* a &+ b) mod 2^64) mod p` with `p = 2^61 - 1` (NumPy uint64 arithmetic wraps), and a document's
/// signature keeps the minimum per permutation. datatrove draws `a` and `b` with NumPy's legacy generator:
///
///     gen = numpy.random.RandomState(seed)
///     a = gen.randint(1, p, dtype=np.uint64, size=(1, count))
///     b = gen.randint(0, p, dtype=np.uint64, size=(1, count))
///
/// The default table (112 values, seed 1) is embedded as literals (`MinHashPermutationTable.swift`, made by
/// `Benchmarks/datatrove/make_permutations.py`); any other (count, seed) is computed by `NumPyRandomState`,
/// a port of exactly the parts of NumPy that this draw uses.
public enum MinHashPermutations {
    /// The Mersenne prime 2^61 - 1 that bounds the permuted values.
    public static let mersennePrime: UInt64 = (1 << 61) - 1
    /// Permutations of the default config: 14 buckets of 8 hashes.
    public static let defaultCount = 112
    /// datatrove's default `MinhashConfig.seed`.
    public static let defaultSeed: UInt32 = 1

    /// The `a` (in [1, p)) and `b` (in [0, p)) of `count` permutations, as datatrove draws them for `seed`.
    public static func parameters(count: Int, seed: UInt32) -> (a: [UInt64], b: [UInt64]) {
        if count == defaultCount && seed == defaultSeed { return (defaultA, defaultB) }
        return computeParameters(count: count, seed: seed)
    }

    /// The same draw as `parameters`, always computed (the tests compare it with the embedded table).
    static func computeParameters(count: Int, seed: UInt32) -> (a: [UInt64], b: [UInt64]) {
        precondition(count >= 0, "permutation count must not be negative")
        var generator = NumPyRandomState(seed: seed)
        // randint(low, high) draws in the closed range [low, high - 1].
        let a = generator.randint(low: 1, highInclusive: mersennePrime - 1, count: count)
        let b = generator.randint(low: 0, highInclusive: mersennePrime - 1, count: count)
        return (a, b)
    }
}

/// NumPy's legacy `numpy.random.RandomState` (MT19937), reduced to integer seeding and
/// `randint(low, high, dtype=np.uint64, size=n)`; bit-for-bit the values NumPy 1.17+ gives.
///
/// - Seeding (`mt19937_seed`, used by `RandomState(int)`): Knuth's initialisation
///   `key[0] = seed; key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >> 30)) + i` (mod 2^32), then the first
///   output regenerates the whole state.
/// - 64-bit outputs (`mt19937_next64`): two 32-bit outputs, the first one the high half.
/// - `randint` (`_rand_uint64` -> `random_bounded_uint64_fill` with `use_masked = true`, as the legacy
///   `RandomState` always uses): `off = low`, `rng = high - 1 - low` (inclusive span), then
///   - `rng == 0`: every value is `off` and nothing is drawn;
///   - `rng <= 0xFFFF_FFFF`: 32-bit path, one 32-bit output per try, `v = next32() & mask` until `v <= rng`
///     (for `rng == 0xFFFF_FFFF` the mask is all ones, so one output per value);
///   - `rng == UInt64.max`: `next64()` as is;
///   - otherwise: `v = next64() & mask` until `v <= rng`;
///   with `mask` the smallest `2^k - 1 >= rng`, and each value `off &+ v`.
struct NumPyRandomState {
    private static let stateLength = 624
    private static let shift = 397
    private static let matrixA: UInt32 = 0x9908_b0df
    private static let upperMask: UInt32 = 0x8000_0000
    private static let lowerMask: UInt32 = 0x7fff_ffff

    private var key: [UInt32]
    private var position: Int

    init(seed: UInt32) {
        var key = [UInt32](repeating: 0, count: Self.stateLength)
        var value = seed
        for index in 0..<Self.stateLength {
            key[index] = value
            value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(index + 1)
        }
        self.key = key
        self.position = Self.stateLength
    }

    /// Regenerates the 624 words of state (`mt19937_gen`).
    private mutating func regenerate() {
        let n = Self.stateLength, m = Self.shift
        for index in 0..<n {
            let y = (key[index] & Self.upperMask) | (key[(index + 1) % n] & Self.lowerMask)
            key[index] = key[(index + m) % n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : Self.matrixA)
        }
        position = 0
    }

    /// One tempered 32-bit output (`mt19937_next32`).
    mutating func next32() -> UInt32 {
        if position == Self.stateLength { regenerate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// Two 32-bit outputs, high half first (`mt19937_next64`).
    mutating func next64() -> UInt64 {
        let high = UInt64(next32())
        let low = UInt64(next32())
        return high << 32 | low
    }

    /// `count` values in `[low, highInclusive]`, as `randint(low, highInclusive + 1, dtype=np.uint64)`.
    mutating func randint(low: UInt64, highInclusive: UInt64, count: Int) -> [UInt64] {
        precondition(highInclusive >= low, "randint needs low <= high")
        let range = highInclusive - low
        if range == 0 { return [UInt64](repeating: low, count: count) }
        let mask = Self.mask(covering: range)
        var values: [UInt64] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            var value: UInt64
            if range <= 0xffff_ffff {
                repeat { value = UInt64(next32()) & mask } while value > range
            } else if range == .max {
                value = next64()
            } else {
                repeat { value = next64() & mask } while value > range
            }
            values.append(low &+ value)
        }
        return values
    }

    /// The smallest all-ones bit mask that is `>= value` (`gen_mask`).
    static func mask(covering value: UInt64) -> UInt64 {
        var mask = value
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        mask |= mask >> 32
        return mask
    }
}
