import CorpusIO
import Synchronization

/// A thread-safe counter starting at 0; `increment` returns the value before adding one.
final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

enum XXHashBridge {
    static func hash(_ text: String) -> UInt64 { XXHash.xxh3_64(text) }
}
