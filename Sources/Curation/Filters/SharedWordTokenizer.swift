import Synchronization

/// A word tokenizer shared by the filters of one chain, so that a document is split into words once,
/// not once per filter: Gopher repetition, Gopher quality and FineWeb quality all count the words of
/// the same text unless C4's line removal rewrote it in between.
///
/// A text is recognised by its storage (address and length of its UTF-8 bytes), not its contents: the
/// filter stage hands every filter the same string until one rewrites it, so a hit costs no comparison
/// and a rewritten text (new storage) is a miss, as it must be. The cache holds on to the strings it
/// remembers, so an address cannot be reused by another text while it is remembered. A few slots,
/// chosen by address, let the documents of tasks running at the same time share it without evicting
/// each other every time. Small strings (stored inline, no stable address) and very large ones (whose
/// word lists should not outlive their document) are tokenized every time.
public final class SharedWordTokenizer: WordTokenizer, Sendable {
    public let inner: any WordTokenizer
    private let slots: Mutex<[Entry?]>
    private static let slotCount = 64
    /// Texts above this many bytes are not remembered.
    private static let largestRemembered = 8 << 20

    private struct Entry {
        var address: UInt
        var count: Int
        var text: String
        var words: [Substring]
    }

    public init(_ inner: any WordTokenizer) {
        self.inner = inner
        slots = Mutex(Array(repeating: nil, count: Self.slotCount))
    }

    /// A text small enough to be remembered goes through the shared list; a larger one is streamed
    /// from the inner tokenizer, so that no word list of a large document is ever built.
    public func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard text.utf8.count <= Self.largestRemembered else { return inner.forEachWord(in: text, body) }
        for word in words(text) { PythonText.withUTF8(word, body) }
    }

    public func words(_ text: String) -> [Substring] {
        let count = text.utf8.count
        guard count > 15, count <= Self.largestRemembered,
              let address = text.utf8.withContiguousStorageIfAvailable({ UInt(bitPattern: $0.baseAddress) })
        else { return inner.words(text) }
        let slot = Int(truncatingIfNeeded: ((address >> 4) &* 0x9E37_79B9_7F4A_7C15) >> 58) % Self.slotCount
        if let words = slots.withLock({ entries -> [Substring]? in
            guard let entry = entries[slot], entry.address == address, entry.count == count else { return nil }
            return entry.words
        }) {
            return words
        }
        let words = inner.words(text)
        slots.withLock { $0[slot] = Entry(address: address, count: count, text: text, words: words) }
        return words
    }
}
