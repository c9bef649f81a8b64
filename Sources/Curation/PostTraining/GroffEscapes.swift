extension GroffText {
    /// Text with escapes removed or replaced: font changes (`\fB`, `\f(CW`, `\f[I]`), size changes
    /// (`\s-1`), `\-` -> `-`, `\ ` and `\~` -> space, `\e` -> `\`, named characters (`\(em`, `\[u2014]`)
    /// -> the character, pod2man's strings (`\*(L"`) -> quotes; anything else unknown -> nothing.
    static func plain(_ text: String) -> String {
        var output = ""
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            guard character == "\\", let escape = characters.popFirst() else {
                output.append(character)
                continue
            }
            switch escape {
            case "f", "F": _ = name(&characters)
            case "s":
                if let sign = characters.first, sign == "+" || sign == "-" { characters.removeFirst() }
                if characters.first == "(" || characters.first == "[" { _ = name(&characters) } else {
                    while let digit = characters.first, digit.isNumber { characters.removeFirst() }
                }
            case "(", "[":
                characters.insert(escape, at: characters.startIndex)
                output += specialCharacter(name(&characters))
            case "*": output += stringRegister(name(&characters))
            case "n", "g", "$", "k", "m", "M", "Y": _ = name(&characters)
            case "h", "v", "w", "l", "L", "X", "o", "b", "D", "N", "Z", "x", "R", "A", "B", "C", "V", "S", "H":
                skipDelimited(&characters)
            case "-": output += "-"
            case "e", "\\": output += "\\"
            case " ", "~", "0", "t": output += " "
            case ".": output += "."
            case "'": output += "'"
            case "`": output += "`"
            case "&", "|", "^", ",", "/", "%", ")", "c", ":", "d", "u", "a", "{", "}", "p", "r", "z", "E": continue
            default: output.append(escape)
            }
        }
        return output
    }

    /// An escape's name: `(xy` (two characters), `[long name]`, or one character.
    private static func name(_ characters: inout ArraySlice<Character>) -> String {
        guard let first = characters.popFirst() else { return "" }
        if first == "(" {
            let body = String(characters.prefix(2))
            characters.removeFirst(min(2, characters.count))
            return body
        }
        if first == "[" {
            let body = characters.prefix(while: { $0 != "]" })
            characters.removeFirst(min(body.count + 1, characters.count))
            return String(body)
        }
        return String(first)
    }

    /// `'...'` (any delimiter) after `\h`, `\w` and the like.
    private static func skipDelimited(_ characters: inout ArraySlice<Character>) {
        guard let delimiter = characters.popFirst() else { return }
        while let character = characters.popFirst(), character != delimiter {}
    }

    static func specialCharacter(_ name: String) -> String {
        if name.hasPrefix("u"), name.count >= 5, let value = UInt32(name.dropFirst(), radix: 16),
           let scalar = Unicode.Scalar(value) {
            return String(Character(scalar))
        }
        return specialCharacters[name] ?? ""
    }

    private static let specialCharacters: [String: String] = [
        "em": "—", "en": "–", "hy": "-", "mi": "-", "aq": "'", "dq": "\"", "lq": "“", "rq": "”", "oq": "‘",
        "cq": "’", "bu": "•", "co": "©", "rg": "®", "tm": "™", "rs": "\\", "ti": "~", "ha": "^", "ga": "`",
        "mu": "×", "di": "÷", "+-": "±", "<=": "≤", ">=": "≥", "!=": "≠", "->": "→", "<-": "←", "de": "°",
        "sc": "§", "Fo": "«", "Fc": "»", "fo": "‹", "fc": "›", "pl": "+", "eq": "=", "lB": "[", "rB": "]",
        "lC": "{", "rC": "}", "la": "⟨", "ra": "⟩", "ba": "|", "or": "|", "sl": "/", "ul": "_", "ru": "_",
        "at": "@", "sh": "#", "Do": "$", "dg": "†", "ss": "ß", "ct": "¢", "Po": "£", "Eu": "€", "Ye": "¥",
        "bv": "|", "lh": "☜", "rh": "☞", "aa": "´", "ap": "~", "pc": "·", "md": "⋅", "fm": "′", "sd": "″",
    ]

    /// pod2man's and a few common string registers; others expand to nothing.
    private static func stringRegister(_ name: String) -> String {
        switch name {
        case "L\"", "lq", "Lq": "“"
        case "R\"", "rq", "Rq": "”"
        case "C`": "‘"
        case "C'": "’"
        case "--": "--"
        case "C+": "C++"
        case "PI": "π"
        case "Tm": "™"
        case "R": "®"
        default: ""
        }
    }
}
