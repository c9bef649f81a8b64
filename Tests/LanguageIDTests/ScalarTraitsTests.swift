import Testing
@testable import LanguageID

/// `ScalarTraits` answers as `Unicode.Scalar.Properties` does, on its ASCII table and past it.
@Suite struct ScalarTraitsTests {
    /// Every ASCII scalar, and every scalar of the first 0x3100 (Latin, Greek, Cyrillic, Indic, marks,
    /// punctuation, kana) past the table.
    static let scalars = (0..<0x3100).compactMap(Unicode.Scalar.init(_:))

    @Test func answersAsTheStandardLibrary() {
        for scalar in Self.scalars {
            let p = scalar.properties
            #expect(ScalarTraits.isWhitespace(scalar) == p.isWhitespace, "\(scalar.value)")
            #expect(ScalarTraits.isAlphabetic(scalar) == p.isAlphabetic, "\(scalar.value)")
            #expect(ScalarTraits.isUppercase(scalar) == p.isUppercase, "\(scalar.value)")
            #expect(ScalarTraits.isLowercase(scalar) == p.isLowercase, "\(scalar.value)")
            let otherThanMark = !p.isDiacritic && p.generalCategory != .nonspacingMark && p.generalCategory != .spacingMark
            #expect(ScalarTraits.isOtherThanMark(scalar) == otherThanMark, "\(scalar.value)")
        }
    }

    @Test func charactersAsTheStandardLibrary() {
        let characters: [Character] = [" ", "\t", "\r\n", "\n", "a", "_", "\u{A0}", "\u{2003}", " \u{301}", "e\u{301}", "\u{3000}"]
        for character in characters {
            #expect(ScalarTraits.isWhitespace(character) == character.isWhitespace, "\(character.unicodeScalars.map(\.value))")
        }
    }
}
