import Foundation

/// datatrove's `simplify_text` with its default `TextNormConfig`, followed by `" ".join(text.split())`
/// (the whitespace word tokenizer), in one pass over the UTF-8 bytes:
/// lowercase (Python's `str.lower`, final sigma included) -> every run of decimal digits, optionally
/// with one decimal separator and more digits, becomes `0` -> datatrove's punctuation becomes a space
/// -> whitespace runs collapse -> canonical decomposition with nonspacing marks (Mn) dropped.
/// The output is words separated by single spaces, with no leading or trailing space.
///
/// Not `Sendable`-shared: it caches decompositions; make one per task.
public struct TextSimplifier {
    private var decompositions: [UInt32: [UInt8]] = [:]

    public init() {}

    /// One-shot convenience.
    public static func simplify(_ text: String) -> String {
        var simplifier = TextSimplifier()
        return String(decoding: simplifier.simplify(text), as: UTF8.self)
    }

    /// The simplified text as UTF-8 bytes.
    public mutating func simplify(_ text: String) -> [UInt8] {
        var copy = text
        return copy.withUTF8 { simplify(utf8: UnsafeRawBufferPointer($0)) }
    }

    public mutating func simplify(utf8 bytes: UnsafeRawBufferPointer) -> [UInt8] {
        // Each input scalar of n bytes becomes at most 3n bytes (a Hangul syllable's three jamo), plus
        // one space before it: 4n bounds the output, so the buffer never grows.
        [UInt8](unsafeUninitializedCapacity: 4 * bytes.count + 16) { storage, initialized in
            var out = OutputBuffer(storage: storage)
            simplify(utf8: bytes, into: &out)
            initialized = out.count
        }
    }

    private mutating func simplify(utf8 bytes: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        /// Whether the last letter seen (skipping case-ignorables) was cased: the look-behind of
        /// Unicode's Final_Sigma condition.
        var afterCased = false
        var index = 0
        let count = bytes.count
        // A local copy: reading a static in the loop costs a `swift_once` check per byte.
        let separates = Self.asciiSeparates

        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte >= 0x30 && byte <= 0x39 {
                    index = skipNumber(bytes, from: index)
                    out.emit(0x30)
                    afterCased = false
                    continue
                }
                if separates[Int(byte)] {
                    out.pendingSpace = true
                    // Of these, only ' . : ^ ` are case-ignorable: they keep Final_Sigma's look-behind.
                    if byte != 0x27 && byte != 0x2E && byte != 0x3A && byte != 0x5E && byte != 0x60 { afterCased = false }
                } else {
                    let isUpper = byte >= 0x41 && byte <= 0x5A
                    out.emit(isUpper ? byte &+ 32 : byte)
                    afterCased = isUpper || (byte >= 0x61 && byte <= 0x7A)
                }
                index += 1
                continue
            }
            let (scalar, length) = Self.decode(bytes, at: index)
            let properties = scalar.properties
            if properties.generalCategory == .decimalNumber {
                index = skipNumber(bytes, from: index)
                out.emit(0x30)
                afterCased = false
                continue
            }
            index += length
            if Self.isSeparator(scalar.value) {
                out.pendingSpace = true
                afterCased = false
                continue
            }
            if scalar.value == 0x03A3 {
                // Python's str.lower applies Final_Sigma: Σ at the end of a word becomes ς.
                let finalSigma = afterCased && !Self.casedLetterFollows(bytes, from: index)
                out.emit(contentsOf: finalSigma ? [0xCF, 0x82] : [0xCF, 0x83])
            } else {
                out.emit(contentsOf: simplified(scalar))
            }
            if !properties.isCaseIgnorable { afterCased = properties.isCased }
        }
    }

    /// A non-ASCII scalar lowercased, canonically decomposed, without nonspacing marks, as UTF-8
    /// (cached per simplifier: corpora reuse few distinct scalars).
    private mutating func simplified(_ scalar: Unicode.Scalar) -> [UInt8] {
        if let cached = decompositions[scalar.value] { return cached }
        var bytes: [UInt8] = []
        for lower in scalar.properties.lowercaseMapping.unicodeScalars {
            let decomposed = lower.value < 0xC0 ? [lower]
                : Array(String(lower).decomposedStringWithCanonicalMapping.unicodeScalars)
            for part in decomposed where part.properties.generalCategory != .nonspacingMark {
                bytes.append(contentsOf: String(part).utf8)
            }
        }
        decompositions[scalar.value] = bytes
        return bytes
    }

    /// Skips `\p{Nd}+([.,،٫⎖⎗⎘]\p{Nd}+)?` starting at a digit; returns the index after it.
    private func skipNumber(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = skipDigits(bytes, from: start)
        guard index < bytes.count else { return index }
        let (separator, length) = Self.decode(bytes, at: index)
        guard Self.decimalSeparators.contains(separator.value), index + length < bytes.count else { return index }
        let (next, _) = Self.decode(bytes, at: index + length)
        guard next.properties.generalCategory == .decimalNumber else { return index }
        index = skipDigits(bytes, from: index + length)
        return index
    }

    private func skipDigits(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                guard byte >= 0x30 && byte <= 0x39 else { return index }
                index += 1
                continue
            }
            let (scalar, length) = Self.decode(bytes, at: index)
            guard scalar.properties.generalCategory == .decimalNumber else { return index }
            index += length
        }
        return index
    }

    /// Final_Sigma's look-ahead: skipping case-ignorable scalars, is the next one cased?
    private static func casedLetterFollows(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Bool {
        var index = start
        while index < bytes.count {
            let (scalar, length) = decode(bytes, at: index)
            if !scalar.properties.isCaseIgnorable { return scalar.properties.isCased }
            index += length
        }
        return false
    }

    /// Decodes one scalar of valid UTF-8 (ingest guarantees validity; a stray byte reads as U+FFFD).
    static func decode(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard lead >= 0xC2, index + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// datatrove's PUNCTUATION (turned into spaces) and Python's `str.isspace` (collapsed), for
    /// scalars above ASCII. Generated from datatrove 0.10.1's `datatrove.utils.text.PUNCTUATION`
    /// (`sorted({ord(c) for c in PUNCTUATION})`) and Python 3.11's `str.isspace`.
    static func isSeparator(_ value: UInt32) -> Bool {
        switch value {
        case 0x80...0x9F, 0xA0, 0xAB, 0xB4, 0xBB, 0x1680, 0x2000...0x200A, 0x2013, 0x2014, 0x2019, 0x201C...0x201E,
             0x2026, 0x2028, 0x2029, 0x202F, 0x205F, 0x2236, 0x2501, 0x25BA, 0x3000...0x3002, 0x3008...0x300D,
             0x3010, 0x3011, 0xFF01, 0xFF05, 0xFF08, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF5E:
            return true
        default:
            return false
        }
    }

    /// ASCII bytes that separate words: datatrove's ASCII punctuation, control characters and
    /// Python whitespace (everything but letters and digits, in effect).
    static let asciiSeparates: [Bool] = (0..<128).map { byte in
        let isLetter = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        let isDigit = (0x30...0x39).contains(byte)
        return !isLetter && !isDigit
    }

    /// The decimal separators datatrove's number pattern allows between digit runs.
    static let decimalSeparators: Set<UInt32> = [0x2E, 0x2C, 0x060C, 0x066B, 0x2396, 0x2397, 0x2398]
}

/// The simplifier's output: bytes with single spaces between words, a space written only when a
/// word follows it (so none leads or trails). Writes into storage sized for the worst case.
private struct OutputBuffer {
    let storage: UnsafeMutableBufferPointer<UInt8>
    var count = 0
    var pendingSpace = false

    init(storage: UnsafeMutableBufferPointer<UInt8>) {
        self.storage = storage
    }

    @inline(__always)
    mutating func emit(_ byte: UInt8) {
        if pendingSpace {
            if count > 0 {
                storage[count] = 0x20
                count &+= 1
            }
            pendingSpace = false
        }
        storage[count] = byte
        count &+= 1
    }

    mutating func emit(contentsOf piece: [UInt8]) {
        for byte in piece { emit(byte) }
    }
}
