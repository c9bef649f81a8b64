import Foundation
import PLMModel
import Synchronization

/// A fixed set of worker threads that wait for work by spinning, so that handing part of a product to
/// another core costs about a microsecond. Decode runs many products of 10-200 µs each;
/// `DispatchQueue.concurrentPerform` (Parallel.forEachChunk) took 5-45 µs per call on the reference
/// machine to wake a worker, often after the caller had done all the parts itself. (llama.cpp's workers
/// spin in the same way.) An idle worker spins briefly, then yields its core at each check (so that
/// other processes run), and after `spinLimit` checks (tens of milliseconds) sleeps on a semaphore, so
/// an idle pool costs nothing; the first call after that pays the wake-up.
///
/// A call's tasks are claimed one at a time by whichever thread is free, the caller included, so a
/// worker that the OS has descheduled (another process on its core) delays a call by at most the one
/// task it holds, instead of stalling it until it runs again.
///
/// `@unchecked Sendable`: the mutable state is `body` and `generation`. `generation` is touched only by
/// the caller holding `callLock`. `body` is written by that caller before it publishes the call in
/// `state` (release), read by a worker only after it claims a task of that call in `state` (acquire), and
/// not written again until every claimed task has reported done.
public final class KernelWorkers: @unchecked Sendable {
    /// Threads taking part in a call, the caller included.
    public let threads: Int

    /// The current call: generation << 32 | task count << 16 | next unclaimed task.
    private let state = Atomic<UInt64>(0)
    private let done = Atomic<Int>(0)
    private let sleepers: [WorkerSleep]
    private let callLock = NSLock()
    private var body: ((Int) -> Void)?
    private var generation: UInt64 = 0

    /// Checks before an idle worker sleeps.
    static let spinLimit = 200_000
    /// Spin checks before a waiting thread starts yielding its core at each check.
    static let yieldAfter = 1_000
    /// Tasks per call at most (the count's field in `state`).
    public static let maximumTasks = (1 << 16) - 1

    /// The pool for `threads` threads (created on first use and kept for the process: its threads hold it).
    public static func shared(threads: Int) -> KernelWorkers {
        let count = max(1, threads)
        return pools.withLock { pools in
            if let pool = pools[count] { return pool }
            let pool = KernelWorkers(threads: count)
            pools[count] = pool
            return pool
        }
    }

    private static let pools = Mutex<[Int: KernelWorkers]>([:])

    private init(threads: Int) {
        self.threads = threads
        sleepers = (1..<max(1, threads)).map { _ in WorkerSleep() }
        for worker in 1..<max(1, threads) {
            let thread = Thread { [unowned self] in self.work(sleeper: sleepers[worker - 1]) }
            thread.name = "plm-kernel-\(worker)"
            thread.start()
        }
    }

    /// Runs `body(task)` for every task in 0..<tasks, spread over the pool's threads and the caller;
    /// returns when all are done. Which thread runs a task varies from call to call.
    public func run(tasks: Int, _ body: (Int) -> Void) {
        precondition(tasks <= Self.maximumTasks, "\(tasks) tasks, at most \(Self.maximumTasks)")
        guard threads > 1, tasks > 1 else {
            for task in 0..<tasks { body(task) }
            return
        }
        callLock.withLock {
            withoutActuallyEscaping(body) { body in
                self.body = body
                done.store(0, ordering: .relaxed)
                generation &+= 1
                state.store((generation & 0xFFFF_FFFF) << 32 | UInt64(tasks) << 16, ordering: .sequentiallyConsistent)
                for sleeper in sleepers { sleeper.wake() }
                while let task = claim() {
                    body(task)
                    done.add(1, ordering: .releasing)
                }
                // Waiting for tasks other threads hold. After a while, yield: a worker that is waiting for
                // a core (another process on it) must not also wait for this spinning caller.
                var spins = 0
                while done.load(ordering: .acquiring) < tasks {
                    spins += 1
                    if spins > Self.yieldAfter { sched_yield() }
                }
                self.body = nil
            }
        }
    }

    /// Runs `body(range)` over `chunks` contiguous chunks of 0..<count, cut as `Parallel.chunks` cuts
    /// them (fewer when a chunk would hold less than `minimumChunk` items).
    public func forEachChunk(_ count: Int, chunks: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let ranges = Parallel.chunks(count, threads: min(chunks, Self.maximumTasks), minimumChunk: minimumChunk)
        run(tasks: ranges.count) { task in body(ranges[task]) }
    }

    /// The next unclaimed task of the current call, claimed for this thread; nil when none is left.
    private func claim() -> Int? {
        var word = state.load(ordering: .acquiring)
        while true {
            let next = Int(word & 0xFFFF), count = Int(word >> 16 & 0xFFFF)
            guard next < count else { return nil }
            let (claimed, current) = state.compareExchange(expected: word, desired: word + 1,
                                                           ordering: .acquiringAndReleasing)
            if claimed { return next }
            word = current
        }
    }

    private func work(sleeper: WorkerSleep) {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            while state.load(ordering: .acquiring) >> 32 == seen {
                spins += 1
                if spins > Self.yieldAfter * 10 { sched_yield() }
                if spins >= Self.spinLimit {
                    sleeper.sleep { state.load(ordering: .sequentiallyConsistent) >> 32 != seen }
                    spins = 0
                }
            }
            seen = state.load(ordering: .acquiring) >> 32
            while let task = claim() {
                body!(task)
                done.add(1, ordering: .releasing)
            }
        }
    }
}

/// How one worker sleeps when idle and is woken without a lost wake-up: it announces `asleep` before
/// checking for work a last time, and a caller wakes whoever it finds announced after publishing work.
final class WorkerSleep: Sendable {
    private let asleep = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)

    /// Sleeps unless `hasWork` is true; returns after a wake (possibly a stale one: callers re-check).
    func sleep(unless hasWork: () -> Bool) {
        asleep.store(true, ordering: .sequentiallyConsistent)
        if hasWork() {
            if asleep.exchange(false, ordering: .sequentiallyConsistent) { return }
            semaphore.wait()  // a caller took the flag and signals: consume that signal
            return
        }
        semaphore.wait()
    }

    func wake() {
        if asleep.exchange(false, ordering: .sequentiallyConsistent) { semaphore.signal() }
    }
}
