import CorpusIO
import Dispatch
import Synchronization

/// Compresses, hashes and writes finished shards on background threads, so the packing thread goes
/// on cutting and encoding the next shard meanwhile. Up to `workers` shards are finished at once
/// (each single-threaded, so the bytes never depend on the thread count); the producer blocks when
/// all are busy, which bounds memory at `workers + 1` shards. Results come back in shard order.
final class ShardFinisher: Sendable {
    private struct State {
        var shards: [Int: MDSShardInfo] = [:]
        var failure: (any Error)?
        /// Shard bodies already written, emptied but keeping their capacity: refilling them costs
        /// no new page faults.
        var spareBuffers: [[UInt8]] = []
    }

    private let queue = DispatchQueue(label: "plm.shards.finisher", attributes: .concurrent)
    private let group = DispatchGroup()
    private let slot: DispatchSemaphore
    private let state = Mutex(State())

    init(workers: Int) {
        slot = DispatchSemaphore(value: max(1, workers))
    }

    /// An empty buffer for the next shard's samples, recycled when one is free.
    func takeBuffer() -> [UInt8] {
        state.withLock { $0.spareBuffers.popLast() } ?? []
    }

    /// Queues `work` on shard `number`'s `body`; blocks while every worker is busy. The body is
    /// recycled afterwards. Throws the first failure of an earlier shard, so a full disk stops
    /// packing early.
    func submit(number: Int, body: [UInt8], work: @escaping @Sendable ([UInt8]) throws -> MDSShardInfo) throws {
        slot.wait()
        if let failure = state.withLock({ $0.failure }) {
            slot.signal()
            throw failure
        }
        queue.async(group: group) {
            defer { self.slot.signal() }
            do {
                let info = try work(body)
                var spare = body
                spare.removeAll(keepingCapacity: true)
                self.state.withLock {
                    $0.shards[number] = info
                    $0.spareBuffers.append(spare)
                }
            } catch {
                self.state.withLock { if $0.failure == nil { $0.failure = error } }
            }
        }
    }

    /// Waits for every queued shard; returns their entries in shard order or the first failure.
    func finish() throws -> [MDSShardInfo] {
        group.wait()
        let (shards, failure) = state.withLock { ($0.shards, $0.failure) }
        if let failure { throw failure }
        return shards.keys.sorted().map { shards[$0]! }
    }
}
