import Foundation

/// The machine's memory bandwidth, measured in the same run as the kernels it bounds: a streaming read
/// of a buffer far larger than the last-level cache (what a memory-bound matrix-vector product does), and
/// a copy (memcpy), each split over `threads` workers. Medians of several passes.
struct MemoryBandwidth {
    /// Bytes read per second by the streaming read.
    let readBytesPerSecond: Double
    /// Bytes read plus bytes written per second by memcpy.
    let copyBytesPerSecond: Double

    /// `bytes` should be many times the last-level cache (32 MiB on the reference machine).
    static func measure(threads: Int, bytes: Int = 512 << 20, repeats: Int = 5) -> MemoryBandwidth {
        let size = bytes / 256 * 256
        let source = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        let target = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer {
            source.deallocate()
            target.deallocate()
        }
        // Touch every page first so that page faults are not timed.
        memset(source, 1, size)
        memset(target, 2, size)
        let pieces = max(1, threads)
        let piece = size / pieces / 256 * 256
        var sums = [Float](repeating: 0, count: pieces)
        let from = SendablePointer(source.assumingMemoryBound(to: UInt8.self))
        let to = SendablePointer(target.assumingMemoryBound(to: UInt8.self))
        let read = medianSeconds(repeats) {
            sums.withUnsafeMutableBufferPointer { results in
                let output = SendablePointer(results.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: pieces) { index in
                    output.pointer[index] = streamingSum(from.pointer + index * piece, bytes: piece)
                }
            }
        }
        let copy = medianSeconds(repeats) {
            DispatchQueue.concurrentPerform(iterations: pieces) { index in
                memcpy(to.pointer + index * piece, from.pointer + index * piece, piece)
            }
        }
        // The sums are used, so the reads cannot be optimised away.
        precondition(!sums.contains(where: \.isNaN))
        let total = Double(piece * pieces)
        return MemoryBandwidth(readBytesPerSecond: total / read, copyBytesPerSecond: 2 * total / copy)
    }

    /// The sum of the floats in `bytes` bytes (a multiple of 128), in four independent chains of 8 lanes
    /// so that the adds keep up with memory even with baseline SSE2 (this module is built portably).
    private static func streamingSum(_ start: UnsafeRawPointer, bytes: Int) -> Float {
        var a = SIMD8<Float>(), b = SIMD8<Float>(), c = SIMD8<Float>(), d = SIMD8<Float>()
        var offset = 0
        while offset < bytes {
            a += start.load(fromByteOffset: offset, as: SIMD8<Float>.self)
            b += start.load(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
            c += start.load(fromByteOffset: offset + 64, as: SIMD8<Float>.self)
            d += start.load(fromByteOffset: offset + 96, as: SIMD8<Float>.self)
            offset += 128
        }
        return ((a + b) + (c + d)).sum()
    }

    /// The median time of `repeats` runs of `body`, after one run that is not timed: wall time, or with
    /// `threadCPU` the calling thread's CPU time (for work that stays on this thread, on a machine busy
    /// with other processes: time spent descheduled is not counted).
    static func medianSeconds(_ repeats: Int, threadCPU: Bool = false, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = now(threadCPU: threadCPU)
            body()
            times.append(now(threadCPU: threadCPU) - start)
        }
        return times.sorted()[times.count / 2]
    }

    private static func now(threadCPU: Bool) -> Double {
        var time = timespec()
        clock_gettime(threadCPU ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// A pointer handed to workers that read it, or write disjoint elements of it, and finish before it is
/// used again. `@unchecked Sendable` is safe for those uses: no element is written by two workers, and
/// `concurrentPerform` returns only after every worker is done.
struct SendablePointer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>
    init(_ pointer: UnsafeMutablePointer<Element>) { self.pointer = pointer }
}
