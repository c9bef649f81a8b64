/// Splits a byte stream delivered in arbitrary chunks into `\n`-terminated lines, tracking each
/// line's byte offset. Lines longer than `maxLineBytes` are reported as overlong without being
/// buffered whole, so one giant line cannot exhaust memory.
public struct LineSplitter {
    public enum Line {
        /// A complete line without its `\n` (a final line without `\n` counts too), and its start offset.
        case line(UnsafeRawBufferPointer, offset: Int)
        /// A line that exceeded the limit: its start offset and its whole length (counted, not kept).
        case overlong(offset: Int, bytesSeen: Int)
    }

    public let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var discarding = false
    private var discardedBytes = 0
    /// Bytes consumed so far: the offset of the next byte.
    public private(set) var offset = 0

    public init(maxLineBytes: Int = .max) {
        self.maxLineBytes = maxLineBytes
    }

    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (Line) throws -> Void) rethrows {
        var start = 0
        while start < chunk.count {
            let rest = UnsafeRawBufferPointer(rebasing: chunk[start...])
            let newline = rest.firstIndex(of: UInt8(ascii: "\n"))
            let end = newline.map { start + ($0 - rest.startIndex) } ?? chunk.count
            let piece = UnsafeRawBufferPointer(rebasing: chunk[start..<end])
            if pending.isEmpty && !discarding { pendingOffset = offset + start }
            if discarding {
                discardedBytes += piece.count
            } else if pending.count + piece.count > maxLineBytes {
                discarding = true
                discardedBytes = pending.count + piece.count
                pending.removeAll(keepingCapacity: true)
            } else if newline != nil && pending.isEmpty {
                // Fast path: the whole line is inside this chunk, no copy.
                try emit(.line(piece, offset: pendingOffset))
                start = end + 1
                continue
            } else {
                pending.append(contentsOf: piece)
            }
            if newline != nil { try completeLine(emit) }
            start = end + 1
        }
        offset += chunk.count
    }

    /// Emits a last line that had no trailing `\n`.
    public mutating func finish(_ emit: (Line) throws -> Void) rethrows {
        if !pending.isEmpty || discarding { try completeLine(emit) }
    }

    private mutating func completeLine(_ emit: (Line) throws -> Void) rethrows {
        if discarding {
            try emit(.overlong(offset: pendingOffset, bytesSeen: discardedBytes))
            discarding = false
            discardedBytes = 0
        } else {
            try pending.withUnsafeBytes { try emit(.line($0, offset: pendingOffset)) }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
