import Dispatch
import Foundation
import Synchronization

extension BPETokenizer {
    /// Ids of each text, encoded on all cores (one worker per core, each with its own cache, taking
    /// texts in order from a shared counter). Output order follows `texts`.
    public func encodeBatch(_ texts: [String], allowSpecial: Bool, workers: Int? = nil) -> [[Int32]] {
        let results = ResultSlots(count: texts.count)
        let workerCount = max(1, min(workers ?? ProcessInfo.processInfo.activeProcessorCount, texts.count))
        let next = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
            var scratch = borrowScratch()
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < texts.count else { break }
                var text = texts[index]
                var ids: [Int32] = []
                ids.reserveCapacity(text.utf8.count / 3)
                text.withUTF8 { encode($0, allowSpecial: allowSpecial, scratch: &scratch, into: &ids) }
                results.store(ids, at: index)
            }
            returnScratch(scratch)
        }
        return results.values
    }
}

/// One slot per text, each written by exactly one worker.
private final class ResultSlots: @unchecked Sendable {
    // @unchecked Sendable: distinct workers write distinct slots (indices handed out by a locked
    // counter), and the slots are read only after concurrentPerform has returned.
    private let slots: UnsafeMutableBufferPointer<[Int32]>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [])
    }

    deinit {
        slots.baseAddress?.deinitialize(count: slots.count)
        slots.deallocate()
    }

    func store(_ ids: [Int32], at index: Int) { slots[index] = ids }

    var values: [[Int32]] { Array(slots) }
}
