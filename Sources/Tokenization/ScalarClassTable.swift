/// The four classes of Unicode scalar the split regexes tell apart: `\p{L}`, `\p{N}`, `\s`, and
/// everything else. Letters and numbers are by general category (L* and N*), whitespace is the
/// Unicode White_Space property (what Oniguruma's `\s` matches in UTF-8 mode).
///
/// Hugging Face's regex engine (Oniguruma in tokenizers 0.23) carries Unicode 16.0 tables; the
/// standard library may be newer. Scalars assigned after 16.0 are unassigned (so "other") to HF, and
/// are classed so here too, which keeps the split identical on every scalar.
enum ScalarClass {
    static let other: UInt8 = 0
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let space: UInt8 = 3

    /// The Unicode version of the regex engine we match.
    static let regexUnicodeVersion: Unicode.Version = (16, 0)

    static func of(_ scalar: Unicode.Scalar) -> UInt8 {
        let properties = scalar.properties
        guard let age = properties.age,
              age.major < regexUnicodeVersion.major
                || (age.major == regexUnicodeVersion.major && age.minor <= regexUnicodeVersion.minor)
        else { return other }
        if properties.isWhitespace { return space }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return number
        default:
            return other
        }
    }
}

/// `ScalarClass` of every scalar as a two-stage table (blocks of 256 scalars, identical blocks
/// shared), built once per process: the standard library's property lookups are far too slow for the
/// scanner's inner loop. Block 0 (U+0000-U+00FF) comes first, so an ASCII byte indexes `blocks` directly.
final class ScalarClassTable: @unchecked Sendable {
    // @unchecked Sendable: both buffers are written only in init and never freed or mutated after,
    // so concurrent reads are safe.
    static let shared = ScalarClassTable()

    private static let blockCount = 0x110000 >> 8
    private static let firstScalarAlwaysOther: UInt32 = 0x40000
    /// Block number of each 256-scalar block.
    private let blockOf: UnsafeMutablePointer<UInt16>
    /// Classes, 256 per distinct block.
    private let blocks: UnsafeMutablePointer<UInt8>

    private init() {
        blockOf = .allocate(capacity: Self.blockCount)
        var distinct: [[UInt8]: UInt16] = [:]
        var flat: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 256)
        for blockIndex in 0..<Self.blockCount {
            for offset in 0..<256 {
                let value = UInt32(blockIndex << 8 | offset)
                // Nothing from plane 4 on is a letter, number or space in Unicode 16 (planes 4-13 are
                // unassigned, 14 holds tags and variation selectors, 15-16 private use): skipping the
                // property lookups there makes the table four times cheaper to build. Surrogate code
                // points are not scalars and never occur in valid UTF-8.
                guard value < Self.firstScalarAlwaysOther, let scalar = Unicode.Scalar(value) else {
                    block[offset] = ScalarClass.other
                    continue
                }
                block[offset] = ScalarClass.of(scalar)
            }
            if let existing = distinct[block] {
                blockOf[blockIndex] = existing
            } else {
                let number = UInt16(distinct.count)
                distinct[block] = number
                blockOf[blockIndex] = number
                flat.append(contentsOf: block)
            }
        }
        blocks = .allocate(capacity: flat.count)
        blocks.initialize(from: flat, count: flat.count)
    }

    @inline(__always) func ascii(_ byte: UInt8) -> UInt8 { blocks[Int(byte)] }

    /// The class of a decoded value. Invalid UTF-8 (leads 0xF5-0xFF) decodes to values above U+10FFFF,
    /// past the table's end: those are "other".
    @inline(__always) func of(_ value: UInt32) -> UInt8 {
        guard value <= 0x10FFFF else { return ScalarClass.other }
        return blocks[Int(blockOf[Int(value >> 8)]) << 8 | Int(value & 0xFF)]
    }
}
