import Synchronization
import Testing
@testable import PLMInference

/// The spinning worker pool: every task runs exactly once per call, calls follow one another without
/// mixing, and pools of one thread run inline.
@Suite struct KernelWorkersTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func add(_ amount: Int) { value.add(amount, ordering: .relaxed) }
        var total: Int { value.load(ordering: .relaxed) }
    }

    @Test(arguments: [1, 2, 3])
    func everyTaskRunsOncePerCall(threads: Int) {
        let workers = KernelWorkers.shared(threads: threads)
        for tasks in [0, 1, 2, 5, 64] {
            let counts = (0..<tasks).map { _ in Counter() }
            for call in 1...200 {
                workers.run(tasks: tasks) { task in counts[task].add(1) }
                #expect(counts.allSatisfy { $0.total == call }, "\(tasks) tasks, call \(call)")
            }
        }
    }

    @Test func chunksCoverTheRangeOnce() {
        let workers = KernelWorkers.shared(threads: 2)
        let covered = (0..<1000).map { _ in Counter() }
        workers.forEachChunk(1000, chunks: 8, minimumChunk: 10) { range in
            for index in range { covered[index].add(1) }
        }
        #expect(covered.allSatisfy { $0.total == 1 })
    }

    /// A pool whose workers have gone to sleep wakes them for the next call.
    @Test func sleepingWorkersWake() async throws {
        let workers = KernelWorkers.shared(threads: 2)
        for _ in 0..<3 {
            try await Task.sleep(for: .milliseconds(50))
            let total = Counter()
            workers.run(tasks: 2) { task in total.add(task + 1) }
            #expect(total.total == 3)
        }
    }
}
