// Byte-level Python `str` helpers for the C4, FineWeb and PII ports: they scan a document's UTF-8
// bytes directly (the hot path never builds `Character`s or `Substring`s per line). Positions are byte
// offsets that always fall on scalar boundaries; lengths that Python would report are counted in
// scalars. `PythonText` holds the `String`-level equivalents.

/// UTF-8 scanning with Python `str` semantics (valid UTF-8 assumed, as Swift strings guarantee).
enum C4Text {
    /// The scalar starting at byte `i` and its width in bytes.
    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (scalar: UInt32, width: Int) {
        let b0 = UInt32(b[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6
                    | UInt32(b[i + 3] & 0x3F), 4)
    }

    /// The scalar ending at byte `end` (exclusive) and its width in bytes.
    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, before end: Int) -> (scalar: UInt32, width: Int) {
        var start = end - 1
        while b[start] & 0xC0 == 0x80 { start -= 1 }
        return (decode(b, start).scalar, end - start)
    }

    /// `str.isspace` for one scalar.
    @inline(__always)
    static func isSpace(_ c: UInt32) -> Bool {
        if c < 0x80 { return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) }
        switch c {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Width in bytes of the `str.splitlines()` boundary at byte `i` (`\r\n` is one boundary of two
    /// bytes), or 0.
    @inline(__always)
    static func lineBoundary(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let x = b[i]
        switch x {
        case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E: return 1
        case 0x0D: return i + 1 < end && b[i + 1] == 0x0A ? 2 : 1
        case 0xC2: return i + 1 < end && b[i + 1] == 0x85 ? 2 : 0  // U+0085
        case 0xE2: return i + 2 < end && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9) ? 3 : 0
        default: return 0
        }
    }

    /// `str.splitlines()`: the byte ranges of the lines of `b[start..<end]`, without their boundaries;
    /// no trailing empty line after a final boundary.
    static func splitLines(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                           _ body: (Int, Int) throws -> Void) rethrows {
        var lineStart = start
        var i = start
        let raw = UnsafeRawPointer(b.baseAddress)
        while i < end {
            // Eight bytes at a time past bytes that cannot begin a boundary (all but 0x00-0x1E, 0xC2, 0xE2).
            if let raw {
                while i + 8 <= end {
                    let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    if hasByteBelow0x1F(w) || hasByte(w, 0xC2) || hasByte(w, 0xE2) { break }
                    i += 8
                }
                if i >= end { break }
            }
            let x = b[i]
            if x > 0x1E && x != 0xC2 && x != 0xE2 {
                i += 1
                continue
            }
            let width = lineBoundary(b, i, end)
            if width == 0 {
                i += 1
                continue
            }
            try body(lineStart, i)
            i += width
            lineStart = i
        }
        if lineStart < end { try body(lineStart, end) }
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether a byte of `w` is below 0x1F (exact as a yes/no answer).
    @inline(__always)
    static func hasByteBelow0x1F(_ w: UInt64) -> Bool { (w &- ones &* 0x1F) & ~w & highs != 0 }

    /// Whether a byte of `w` equals `value`.
    @inline(__always)
    static func hasByte(_ w: UInt64, _ value: UInt8) -> Bool {
        let x = w ^ (ones &* UInt64(value))
        return (x &- ones) & ~x & highs != 0
    }

    /// `str.strip()` with no argument on `b[start..<end]`.
    @inline(__always)
    static func strip(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
        var s = start
        while s < end {
            let x = b[s]
            if x < 0x80 {
                guard (x >= 0x09 && x <= 0x0D) || (x >= 0x1C && x <= 0x20) else { break }
                s += 1
            } else {
                let (c, w) = decode(b, s)
                guard isSpace(c) else { break }
                s += w
            }
        }
        var e = end
        while e > s {
            let x = b[e - 1]
            if x < 0x80 {
                guard (x >= 0x09 && x <= 0x0D) || (x >= 0x1C && x <= 0x20) else { break }
                e -= 1
            } else {
                let (c, w) = decode(b, before: e)
                guard isSpace(c) else { break }
                e -= w
            }
        }
        return (s, e)
    }

    /// Whether `b[start..<end]` holds a scalar that is not `str.isspace` (`s.strip() != ""`).
    @inline(__always)
    static func hasNonSpace(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let (s, e) = strip(b, start, end)
        return s < e
    }

    /// `len()` of `b[start..<end]`: the bytes that are not UTF-8 continuation bytes (10xxxxxx).
    @inline(__always)
    static func scalarCount(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var continuation = 0
        var i = start
        if let raw = UnsafeRawPointer(b.baseAddress) {
            while i + 8 <= end {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                // Bit 7 set and bit 6 clear, per byte.
                continuation += (w & ~(w << 1) & highs).nonzeroBitCount
                i += 8
            }
        }
        while i < end {
            if b[i] & 0xC0 == 0x80 { continuation += 1 }
            i += 1
        }
        return end - start - continuation
    }

    /// Whether `b[start..<end]` ends with the bytes of `suffix` (`str.endswith`, scalar for scalar).
    @inline(__always)
    static func endsWith(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ suffix: [UInt8]) -> Bool {
        let n = suffix.count
        guard n <= end - start else { return false }
        var k = 0
        while k < n {
            if b[end - n + k] != suffix[k] { return false }
            k += 1
        }
        return true
    }

    /// Runs `body` on a contiguous UTF-8 view of `text`.
    @inline(__always)
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        copy.makeContiguousUTF8()
        return try copy.utf8.withContiguousStorageIfAvailable(body)!
    }

    /// Runs `body` on a contiguous UTF-8 view of `text`.
    @inline(__always)
    static func withBytes<R>(_ text: Substring, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return try withBytes(String(text), body)
    }
}
