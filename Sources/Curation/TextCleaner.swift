#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns raw bytes into document text: rejects binary, decodes UTF-8 (invalid sequences become
/// U+FFFD), drops a byte-order mark and normalises CRLF and CR to LF.
public struct TextCleaner: Sendable {
    public var maxInvalidFraction: Double

    public init(maxInvalidFraction: Double) {
        self.maxInvalidFraction = maxInvalidFraction
    }

    /// Why bytes are not text: the skip reason and what was found (for the task log).
    public struct NotText: Error, Equatable {
        public var reason: SkipReason
        public var detail: String
    }

    /// The cleaned text, or the reason the bytes are not text.
    public func clean(_ bytes: UnsafeRawBufferPointer) -> Result<String, NotText> {
        var body = bytes
        let bom = body.count >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? 3 : 0
        if bom > 0 { body = UnsafeRawBufferPointer(rebasing: body[3...]) }
        if let nul = Self.offset(of: 0, in: body) {
            return .failure(NotText(reason: .binary, detail: "NUL byte at offset \(nul + bom)"))
        }
        let hasCarriageReturn = Self.find(0x0D, in: body)
        if let valid = String(validating: body, as: UTF8.self) {
            return .success(hasCarriageReturn ? Self.normaliseNewlines(valid) : valid)
        }
        let invalid = Self.countInvalidSequences(body)
        if Double(invalid) > maxInvalidFraction * Double(body.count) {
            return .failure(NotText(reason: .binary, detail: "\(invalid) invalid UTF-8 sequences in \(body.count) bytes "
                + String(format: "(%.1f%%, more than max_invalid_utf8_fraction %g)", 100 * Double(invalid) / Double(body.count),
                         maxInvalidFraction)))
        }
        let repaired = String(decoding: body, as: UTF8.self)
        return .success(hasCarriageReturn ? Self.normaliseNewlines(repaired) : repaired)
    }

    /// memchr: a vectorised scan, several times faster than a byte loop on long texts.
    private static func find(_ byte: UInt8, in bytes: UnsafeRawBufferPointer) -> Bool { offset(of: byte, in: bytes) != nil }

    private static func offset(of byte: UInt8, in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress, bytes.count > 0, let found = memchr(base, Int32(byte), bytes.count) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    /// Number of maximal invalid subsequences (each becomes one U+FFFD when decoding).
    static func countInvalidSequences(_ bytes: UnsafeRawBufferPointer) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var errors = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return errors
            case .error: errors += 1
            }
        }
    }

    /// CRLF and lone CR become LF.
    static func normaliseNewlines(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 0x0D {
                out.append(0x0A)
                previousWasCR = true
                continue
            }
            if byte == 0x0A && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
