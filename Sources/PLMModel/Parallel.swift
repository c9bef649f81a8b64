import Foundation

/// Bounded fan-out for the model's elementwise work: a range is cut into at most `threads`
/// contiguous chunks, each run on its own worker by `DispatchQueue.concurrentPerform`. The cut depends
/// only on (count, threads), so per-chunk partial sums reduced in chunk order are deterministic for a
/// given thread count.
package enum Parallel {
    /// The chunks `forEachChunk` uses for `count` items.
    package static func chunks(_ count: Int, threads: Int, minimumChunk: Int = 1) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let pieces = max(1, min(threads, count / max(1, minimumChunk)))
        return (0..<pieces).map { piece in (count * piece / pieces)..<(count * (piece + 1) / pieces) }
    }

    /// Runs `body` on each chunk of 0..<count, concurrently when there is more than one.
    /// `body` receives the chunk number and its range; chunks never overlap.
    package static func forEachChunk(_ count: Int, threads: Int, minimumChunk: Int = 1,
                             _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
        let ranges = chunks(count, threads: threads, minimumChunk: minimumChunk)
        if ranges.count <= 1 {
            if let only = ranges.first { body(0, only) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // concurrentPerform wants a @Sendable closure; the work is Sendable in fact because every
            // chunk touches its own disjoint slice and the call returns only when all chunks are done.
            let work = UncheckedSendable(value: body)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { chunk in work.value(chunk, ranges[chunk]) }
        }
    }
}

/// Carries a value into a @Sendable closure whose safety the caller argues (see its use).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}
