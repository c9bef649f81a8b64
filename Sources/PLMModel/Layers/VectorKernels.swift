import Foundation

/// Small SIMD kernels shared by the elementwise layers: reductions written with eight independent
/// lanes (a plain Float loop cannot be vectorised by the compiler without reordering the sum).
package enum VectorKernels {
    /// sum a[i] * b[i] over i < count.
    @inline(__always)
    package static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 8 <= count {
            lanes += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        var sum = lanes.sum()
        while i < count { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// The largest of x[0..<count] (count > 0).
    @inline(__always)
    package static func maximum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 8 <= count {
            lanes = pointwiseMax(lanes, raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
            i += 8
        }
        var best = lanes.max()
        while i < count { best = max(best, x[i]); i += 1 }
        return best
    }

    /// x[i] = exp(x[i] - shift) for i < count; returns their sum.
    @inline(__always)
    package static func expShifted(_ x: UnsafeMutablePointer<Float>, _ count: Int, shift: Float) -> Float {
        var sum: Float = 0
        for i in 0..<count {
            let e = exp(x[i] - shift)
            x[i] = e
            sum += e
        }
        return sum
    }

    /// x[i] *= factor for i < count.
    @inline(__always)
    package static func scale(_ x: UnsafeMutablePointer<Float>, _ count: Int, by factor: Float) {
        for i in 0..<count { x[i] *= factor }
    }
}
