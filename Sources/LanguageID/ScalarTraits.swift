/// The Unicode properties that `CatalogText` asks of each scalar, answered from a table for ASCII and from
/// the standard library otherwise. `Unicode.Scalar.Properties` looks every scalar up in the stdlib's
/// tables, even `a`; that lookup was 40% of reading the machine's 4,202 catalogs. The answers are the
/// stdlib's for every scalar (`ScalarTraitsTests` compares every scalar below U+3100).
enum ScalarTraits {
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace
    }

    @inline(__always)
    static func isAlphabetic(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return isUppercase(scalar) || isLowercase(scalar) }
        return scalar.properties.isAlphabetic
    }

    @inline(__always)
    static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return (0x41...0x5A).contains(scalar.value) }
        return scalar.properties.isUppercase
    }

    @inline(__always)
    static func isLowercase(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return (0x61...0x7A).contains(scalar.value) }
        return scalar.properties.isLowercase
    }

    /// Neither a diacritic nor a combining mark: a character that counts against the letters. Of ASCII, the
    /// circumflex `^` and the grave accent `` ` `` are diacritics in Unicode.
    @inline(__always)
    static func isOtherThanMark(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value != 0x5E && scalar.value != 0x60 }
        let properties = scalar.properties
        return !properties.isDiacritic && properties.generalCategory != .nonspacingMark
            && properties.generalCategory != .spacingMark
    }

    /// `Character.isWhitespace` (its first scalar's property) without the lookup for ASCII.
    @inline(__always)
    static func isWhitespace(_ character: Character) -> Bool {
        isWhitespace(character.unicodeScalars.first!)
    }
}
