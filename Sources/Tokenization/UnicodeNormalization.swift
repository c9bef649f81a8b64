import Foundation

/// NFC for tokenizer files that ask for it (Qwen2 style).
enum UnicodeNormalization {
    /// False when NFC certainly leaves the text as it is: every scalar below U+0300 is stable under
    /// NFC and combines with nothing before it, and such text has no UTF-8 byte of 0xCC or above.
    static func mayChangeUnderNFC(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.contains { $0 >= 0xCC }
    }

    static func nfc(_ utf8: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        Array(String(decoding: utf8, as: UTF8.self).precomposedStringWithCanonicalMapping.utf8)
    }
}
