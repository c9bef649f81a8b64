/// GPT-2's byte-to-character mapping (`bytes_to_unicode`): every byte becomes a printable Unicode
/// scalar so that tokens can be written as strings in `tokenizer.json`. Printable Latin-1 bytes map
/// to themselves; the other 68 bytes map, in ascending byte order, to U+0100 onwards.
public enum ByteLevel {
    /// The scalar each byte is written as.
    public static let scalarForByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintableAsItself(UInt8(byte)) {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte a mapped scalar stands for, or nil when the scalar is not part of the mapping.
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = scalar.value
        if value < 256 { return isPrintableAsItself(UInt8(value)) ? UInt8(value) : nil }
        return byteForHighScalar[value]
    }

    /// The 256 bytes in ascending order of their mapped scalars: the order of the alphabet's ids in a
    /// trained vocabulary (bytes 0x21-0x7E, 0xA1-0xAC, 0xAE-0xFF, then 0x00-0x20, 0x7F-0xA0, 0xAD).
    public static let bytesInScalarOrder: [UInt8] =
        (0..<256).map { UInt8($0) }.sorted { scalarForByte[Int($0)].value < scalarForByte[Int($1)].value }

    /// A byte string written in the mapped form (how tokens appear in `tokenizer.json`).
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(scalarForByte[Int(byte)]) }
        return String(scalars)
    }

    /// The bytes a mapped token string stands for; nil if it contains a scalar outside the mapping.
    public static func decode(_ token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard let byte = byte(for: scalar) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    private static func isPrintableAsItself(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }

    private static let byteForHighScalar: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for byte in 0..<256 where !isPrintableAsItself(UInt8(byte)) {
            map[scalarForByte[byte].value] = UInt8(byte)
        }
        return map
    }()
}

extension ByteLevel {
    /// The bytes a token string stands for, keeping the UTF-8 of any scalar outside the mapping (what
    /// Hugging Face's ByteLevel decoder does with such tokens in a user's vocabulary).
    static func decodeLeniently(_ token: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in token.unicodeScalars {
            if let byte = byte(for: scalar) {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }
}
