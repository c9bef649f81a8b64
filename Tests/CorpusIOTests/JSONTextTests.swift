import Foundation
import Testing
@testable import CorpusIO

@Suite("JSON text output")
struct JSONTextTests {
    /// Every special byte at every offset of a 20-byte window (the fast path tests 8 bytes at a time).
    @Test("escaped strings decode back to themselves wherever the special characters fall")
    func roundTripAtEveryOffset() throws {
        let specials: [String] = ["\"", "\\", "\n", "\t", "\r", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}"]
        for special in specials {
            for offset in 0..<20 {
                let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 19 - offset)
                var out: [UInt8] = []
                JSONText.appendString(text, to: &out)
                #expect(try JSONDecoder().decode(String.self, from: Data(out)) == text, "\(special.debugDescription) at \(offset)")
            }
        }
    }

    @Test("control characters use the short escapes or \\u00XX; everything else is copied")
    func exactBytes() {
        var out: [UInt8] = []
        JSONText.appendString("a\"b\\c\nd\te\rf\u{1}g é", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\nd\te\rf\u0001g é""#)
    }
}
