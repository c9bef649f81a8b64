import CorpusIO

/// The words decontamination compares: a text lowercased and split on every character that is not a
/// letter or a digit (Unicode properties), as the n-gram overlap checks of GPT-3's and Llama's reports
/// normalise text; except that arithmetic operators (`+ - * / = < > ^ %` and Unicode math symbols) are
/// words of their own, so that "47 + 38" and "47 - 38" stay different problems and a lone "52 54" in code
/// does not look like the question "52 + 54 = ?". Each word is kept as a 64-bit hash of its lowercased UTF-8 bytes (the only thing
/// n-grams are made of) and the byte range it covers in the original text (what `cut` removes).
public struct NormalisedWord: Sendable, Equatable {
    public var hash: UInt64
    public var bytes: Range<Int>
}

public enum DecontaminationWords {
    public static func words(in text: String) -> [NormalisedWord] {
        var words: [NormalisedWord] = []
        var current: [UInt8] = []
        var start = 0, offset = 0
        func finish() {
            guard !current.isEmpty else { return }
            let hash = current.withUnsafeBytes { XXHash.xxh3_64($0) }
            words.append(NormalisedWord(hash: hash, bytes: start..<offset))
            current.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                switch byte {
                case 0x30...0x39, 0x61...0x7A:
                    if current.isEmpty { start = offset }
                    current.append(byte)
                case 0x41...0x5A:
                    if current.isEmpty { start = offset }
                    current.append(byte + 0x20)
                case 0x2B, 0x2D, 0x2A, 0x2F, 0x3D, 0x3C, 0x3E, 0x5E, 0x25:
                    finish()
                    start = offset
                    current.append(byte)
                    offset += width
                    finish()
                    continue
                default:
                    finish()
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if current.isEmpty { start = offset }
                current.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            } else if scalar.properties.generalCategory == .mathSymbol {
                finish()
                start = offset
                current.append(contentsOf: String(scalar).utf8)
                offset += width
                finish()
                continue
            } else {
                finish()
            }
            offset += width
        }
        finish()
        return words
    }
}
