/// Why a catalog message is not used as text of its language. Each rule has a name the tests and the
/// training manifest use.
public enum CatalogCut: String, Error, Sendable, CaseIterable, Codable {
    /// The catalog's header (empty original): metadata, not a message.
    case header
    /// No translation, or the translation is the English original copied: it would teach that English is
    /// the catalog's language.
    case untranslated
    /// Nothing but format directives, markup and punctuation (`%s: %s`, `<b>%d</b>`).
    case formatOnly = "format_only"
    /// Fewer letters than other characters: paths, numbers, key names, command lines.
    case fewLetters = "few_letters"
    /// One token that reads as code: `_`, `::`, `/`, `=`, `$`, a leading `-`, or camelCase inside.
    case identifier
    /// One word (or, in scripts written without spaces, fewer than four letters): too little to tell
    /// languages that share their words apart, and labels a menu item more than a language.
    case singleWord = "single_word"
}

/// Catalog messages as text: mnemonic markers, markup and format directives removed, whitespace
/// collapsed; and the rules that cut messages that are not natural language.
public enum CatalogText {
    /// The message as prose, or why it is cut.
    public static func clean(_ message: String) -> Result<String, CatalogCut> {
        // Identifiers are judged before stripping, which would take the `_` out of `file_name`.
        // Mnemonic markers (`_Open`, `文件(_F)`) are not identifier syntax.
        let raw = message.split(whereSeparator: ScalarTraits.isWhitespace)
        if raw.count == 1, looksLikeIdentifier(withoutMnemonic(raw[0])) {
            return .failure(.identifier)
        }
        let text = strip(message)
        if text.isEmpty { return .failure(.formatOnly) }
        var letters = 0
        var others = 0
        var spacelessLetters = 0
        for scalar in text.unicodeScalars where scalar != " " {
            if ScalarTraits.isAlphabetic(scalar) {
                letters += 1
                if isSpaceless(scalar) { spacelessLetters += 1 }
            } else if ScalarTraits.isOtherThanMark(scalar) {
                others += 1
            }
        }
        if letters == 0 { return .failure(.formatOnly) }
        if letters < others { return .failure(.fewLetters) }
        let words = text.split(separator: " ")
        if words.count == 1 {
            if spacelessLetters * 2 < letters || letters < 4 { return .failure(.singleWord) }
        }
        return .success(text)
    }

    /// A token without a leading mnemonic marker or a trailing `(_X)` / `(&X)` group.
    static func withoutMnemonic(_ token: Substring) -> Substring {
        var token = token.drop(while: { $0 == "_" || $0 == "&" })
        let scalars = Array(token.unicodeScalars)
        if scalars.count >= 4, scalars[scalars.count - 4] == "(", scalars[scalars.count - 1] == ")",
           scalars[scalars.count - 3] == "_" || scalars[scalars.count - 3] == "&" {
            token = Substring(String(String.UnicodeScalarView(scalars.dropLast(4))))
        }
        return token
    }

    /// Scripts written without spaces between words: Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan.
    static func isSpaceless(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0E00...0x0EFF, 0x0F00...0x0FFF, 0x1000...0x109F, 0x1780...0x17FF, 0x3040...0x30FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }

    static func looksLikeIdentifier(_ word: Substring) -> Bool {
        if word.hasPrefix("-") { return true }
        if word.contains(where: { "_/=$\\:@#".contains($0) }) { return true }
        // camelCase or a dotted name: a lowercase letter followed by an uppercase one, or a letter.letter.
        let scalars = Array(word.unicodeScalars)
        for index in 1..<max(1, scalars.count) {
            if ScalarTraits.isLowercase(scalars[index - 1]) && ScalarTraits.isUppercase(scalars[index]) { return true }
            if scalars[index - 1] == ".", index + 1 < scalars.count, index >= 2,
               ScalarTraits.isAlphabetic(scalars[index - 2]), ScalarTraits.isAlphabetic(scalars[index + 1]) { return true }
        }
        return false
    }

    /// Removes what is not prose: `<tags>`, printf / brace / shell directives, mnemonic markers (`_File`,
    /// `&File`, `文件(_F)`) and escape codes; collapses whitespace to single spaces.
    public static func strip(_ message: String) -> String {
        let input = Array(message.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        var pendingSpace = false
        func emit(_ scalar: Unicode.Scalar) {
            if ScalarTraits.isWhitespace(scalar) || scalar.value < 0x20 {
                pendingSpace = !output.isEmpty
                return
            }
            if pendingSpace { output.append(" ") }
            pendingSpace = false
            output.append(scalar)
        }
        while index < input.count {
            let scalar = input[index]
            if let end = directiveEnd(input, at: index) {
                pendingSpace = !output.isEmpty
                index = end
                continue
            }
            if (scalar == "_" || scalar == "&"), index + 1 < input.count, ScalarTraits.isAlphabetic(input[index + 1]),
               index == 0 || !ScalarTraits.isAlphabetic(input[index - 1]) || input[index - 1] == "(" || scalar == "_" {
                // A mnemonic marker: drop the marker, keep the letter. `&amp;` and the like stay entities.
                if scalar == "&", let semicolon = input[index...].prefix(10).firstIndex(of: ";"), semicolon > index + 1 {
                    index = semicolon + 1
                    pendingSpace = !output.isEmpty
                    continue
                }
                index += 1
                continue
            }
            if scalar == "(", index + 3 < input.count, input[index + 1] == "_" || input[index + 1] == "&",
               input[index + 3] == ")" {
                index += 4        // (_F) after a translated menu label
                continue
            }
            emit(scalar)
            index += 1
        }
        return String(output)
    }

    /// Where a directive or tag starting at `index` ends, if one does.
    static func directiveEnd(_ input: [Unicode.Scalar], at index: Int) -> Int? {
        let scalar = input[index]
        let next = index + 1 < input.count ? input[index + 1] : nil
        switch scalar {
        case "%":
            guard let next else { return nil }
            if next == "%" { return index + 2 }
            if next == "(" , let close = input[index...].prefix(40).firstIndex(of: ")") {
                return close + 2 <= input.count ? close + 2 : nil           // %(name)s
            }
            var cursor = index + 1
            while cursor < input.count, "0123456789$#-+.*lhqjztLI<>".unicodeScalars.contains(input[cursor]),
                  cursor - index < 12 {
                if input[cursor] == "<", let close = input[cursor...].firstIndex(of: ">") { cursor = close }   // %<PRIu64>
                cursor += 1
            }
            guard cursor < input.count else { return cursor > index + 1 ? cursor : nil }
            if ScalarTraits.isAlphabetic(input[cursor]) && input[cursor].isASCII { return cursor + 1 }
            return cursor > index + 1 ? cursor : nil                       // %1 (Qt)
        case "{":
            guard let close = input[index...].prefix(40).firstIndex(of: "}") else { return nil }
            let inside = input[(index + 1)..<close]
            return inside.contains(" ") ? nil : close + 1
        case "$":
            guard let next, next == "{" || ScalarTraits.isUppercase(next) || next == "_" else { return nil }
            var cursor = index + 1
            if next == "{" { return input[index...].firstIndex(of: "}").map { $0 + 1 } }
            while cursor < input.count, ScalarTraits.isAlphabetic(input[cursor]) || input[cursor] == "_"
                    || ("0"..."9").contains(input[cursor]) { cursor += 1 }
            return cursor
        case "<":
            guard let next, ScalarTraits.isAlphabetic(next) || next == "/" || next == "!" else { return nil }
            return input[index...].prefix(200).firstIndex(of: ">").map { $0 + 1 }
        case "\u{1B}":
            // Terminal escape: ESC [ params letter.
            var cursor = index + 1
            if cursor < input.count, input[cursor] == "[" { cursor += 1 }
            while cursor < input.count, !ScalarTraits.isAlphabetic(input[cursor]) { cursor += 1 }
            return min(cursor + 1, input.count)
        default:
            return nil
        }
    }
}
