import Foundation
import PLMInference

/// The machine's memory bandwidth, measured in the same run as the kernels it bounds: a streaming read
/// of a buffer far larger than the last-level cache, and a copy (memcpy), each split over `threads`
/// workers; the fastest of several passes. The read is the f32 dot-product kernel at the best SIMD level
/// (`MatVec.dotRows`) over the buffer as rows of 4096 floats: the widest loads this CPU has, one pass over
/// every byte. (A plain Swift loop, built for baseline x86-64 like this module, read 20-30% slower, and
/// made the kernels look faster than memory.)
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
        // Four streams per thread: the kernels read several chunks per thread too, and a single stream per
        // core leaves memory-level parallelism unused (it measured 20-30% lower here).
        let pieces = 4 * max(1, threads)
        let piece = size / pieces / 256 * 256
        let rowFloats = 4096, rowsPerPiece = piece / (rowFloats * 4)
        var sums = [Float](repeating: 0, count: pieces * rowsPerPiece)
        let x = [Float](repeating: 1, count: rowFloats)
        let from = SendablePointer(source.assumingMemoryBound(to: UInt8.self))
        let to = SendablePointer(target.assumingMemoryBound(to: UInt8.self))
        // The fastest pass: bandwidth is a ceiling, and other processes only ever lower a pass.
        let read = bestSeconds(repeats) {
            sums.withUnsafeMutableBufferPointer { results in
                let output = SendablePointer(results.baseAddress!)
                x.withUnsafeBufferPointer { x in
                    let vector = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                    DispatchQueue.concurrentPerform(iterations: pieces) { index in
                        let rows = UnsafeRawPointer(from.pointer + index * piece).assumingMemoryBound(to: Float.self)
                        MatVec.dotRows(rows, stride: rowFloats, count: rowsPerPiece, width: rowFloats,
                                       x: vector.pointer, into: output.pointer + index * rowsPerPiece)
                    }
                }
            }
        }
        let copy = bestSeconds(repeats) {
            DispatchQueue.concurrentPerform(iterations: pieces) { index in
                memcpy(to.pointer + index * piece, from.pointer + index * piece, piece)
            }
        }
        // The sums are used, so the reads cannot be optimised away.
        precondition(!sums.contains(where: \.isNaN))
        let total = Double(piece * pieces)
        return MemoryBandwidth(readBytesPerSecond: total / read, copyBytesPerSecond: 2 * total / copy)
    }

    /// The shortest wall time of `repeats` runs of `body`, after one run that is not timed.
    static func bestSeconds(_ repeats: Int, _ body: () -> Void) -> Double {
        body()
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = now(threadCPU: false)
            body()
            best = min(best, now(threadCPU: false) - start)
        }
        return best
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
