#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings of datatrove's `C4ParagraphFilter` (0.10.1). datatrove fixes them as attributes (its
/// constructor takes none); the names are those attributes'.
public struct C4ParagraphConfig: Sendable, Equatable {
    /// `min_paragraphs`: fewest lines.
    public var minParagraphs: Int
    /// `min_paragraph_len`: the shortest of the three longest lines needs at least this many scalars.
    public var minParagraphLen: Int
    /// `line_delimiter`: what separates lines (`str.split`); empty is treated as no separator.
    public var lineDelimiter: String

    public init(minParagraphs: Int = 3, minParagraphLen: Int = 200, lineDelimiter: String = "\n") {
        self.minParagraphs = minParagraphs
        self.minParagraphLen = minParagraphLen
        self.lineDelimiter = lineDelimiter
    }
}

/// datatrove's `C4ParagraphFilter` (mC4's paragraph rule): the text, split on `lineDelimiter`, needs at
/// least `minParagraphs` lines, and its three longest lines (all of them if fewer) must each have at
/// least `minParagraphLen` scalars. Otherwise it is dropped with datatrove's reason
/// `"< \(minParagraphs) paragraphs"` (`< 3 paragraphs` by default). The "three" is fixed in datatrove,
/// whatever `minParagraphs` is.
public struct C4ParagraphFilter: DocumentFilter {
    public let name = "c4_paragraph"
    public let config: C4ParagraphConfig
    private let delimiter: [UInt8]

    public init(config: C4ParagraphConfig = C4ParagraphConfig()) {
        self.config = config
        self.delimiter = Array(config.lineDelimiter.utf8)
    }

    public func apply(to text: inout String) -> FilterDecision {
        let keep = C4Text.withBytes(text) { bytes in
            var lines = 0
            // The three longest lengths, longest first.
            var top = [Int](repeating: -1, count: 3)
            func add(_ start: Int, _ end: Int) {
                lines += 1
                // A line can only enter the top three with more bytes than the third (scalars <= bytes).
                if end - start <= top[2] { return }
                let length = C4Text.scalarCount(bytes, start, end)
                if length > top[2] {
                    top[2] = length
                    if top[2] > top[1] { top.swapAt(1, 2) }
                    if top[1] > top[0] { top.swapAt(0, 1) }
                }
            }
            var start = 0
            let width = delimiter.count
            if width == 1 {
                // One byte (the usual "\n"): memchr.
                let needle = Int32(delimiter[0])
                if let base = bytes.baseAddress {
                    var i = 0
                    while i < bytes.count, let hit = memchr(base + i, needle, bytes.count - i) {
                        let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                        add(start, index)
                        i = index + 1
                        start = i
                    }
                }
            } else if width > 1 {
                var i = 0
                while i + width <= bytes.count {
                    if bytes[i] == delimiter[0] && C4Text.endsWith(bytes, i, i + width, delimiter) {
                        add(start, i)
                        i += width
                        start = i
                    } else {
                        i += 1
                    }
                }
            }
            add(start, bytes.count)
            if lines < config.minParagraphs { return false }
            let shortestOfTop = top.filter { $0 >= 0 }.min()!
            return shortestOfTop >= config.minParagraphLen
        }
        return keep ? .keep : .drop("< \(config.minParagraphs) paragraphs")
    }
}
