/// The MinHash permutation kernel compiled for Haswell-class CPUs (AVX2, BMI2, FMA): this module
/// alone is built with `-target-cpu haswell`, so it must only be called after checking at run time
/// that the CPU has those features (Curation's `MinHashKernel` does). Nothing else belongs here.
///
/// For each shingle h and permutation i: `x = h * a[i] + b[i]` (mod 2^64), then `x mod (2^61-1)`
/// as `(x & p) + (x >> 61)` with one conditional subtraction, and `minima[i] = min(minima[i], ...)`.
/// All values after the reduction are below 2^61, so signed 64-bit comparisons are exact and map to
/// AVX2's `vpcmpgtq`. Four permutations per vector.
@inline(never)
public func minHashFoldAVX2(shingles: UnsafeBufferPointer<UInt64>, a: UnsafeRawPointer, b: UnsafeRawPointer,
                            minima: UnsafeMutableRawPointer, count: Int) {
    let prime = Int64((1 << 61) - 1)
    let primes = SIMD4<Int64>(repeating: prime)
    let vectors = count / 4
    for shingle in shingles {
        let h = Int64(bitPattern: shingle)
        let hs = SIMD4<Int64>(repeating: h)
        for vector in 0..<vectors {
            let offset = vector * 32
            let x = hs &* a.loadUnaligned(fromByteOffset: offset, as: SIMD4<Int64>.self)
                &+ b.loadUnaligned(fromByteOffset: offset, as: SIMD4<Int64>.self)
            let high = SIMD4<Int64>(truncatingIfNeeded: SIMD4<UInt64>(truncatingIfNeeded: x) &>> 61)
            var value = (x & primes) &+ high
            value.replace(with: value &- primes, where: value .>= primes)
            let current = minima.loadUnaligned(fromByteOffset: offset, as: SIMD4<Int64>.self)
            minima.storeBytes(of: pointwiseMin(current, value), toByteOffset: offset, as: SIMD4<Int64>.self)
        }
        for index in (vectors * 4)..<count {
            let x = h &* a.load(fromByteOffset: index * 8, as: Int64.self) &+ b.load(fromByteOffset: index * 8, as: Int64.self)
            var value = (x & prime) &+ Int64(bitPattern: UInt64(bitPattern: x) >> 61)
            if value >= prime { value &-= prime }
            if value < minima.load(fromByteOffset: index * 8, as: Int64.self) {
                minima.storeBytes(of: value, toByteOffset: index * 8, as: Int64.self)
            }
        }
    }
}
