/// Turns a gettext locale folder name (`pt_BR`, `sr@latin`, `zh_TW`, `de_DE.UTF-8`) into the language
/// label the classifier learns: an ISO 639 code, with a script suffix only where one language is written in
/// two scripts that the machine's catalogs both carry (`zh-Hans` / `zh-Hant`, `sr` / `sr-Latn`).
public enum LocaleLabel {
    /// The label, or nil for folders that are not a language (`C`, `POSIX`, `locale.alias`).
    public static func label(forLocale folder: String) -> String? {
        var name = Substring(folder)
        if let dot = name.firstIndex(of: ".") { name = name[..<dot] }    // charset: .UTF-8
        var modifier: Substring?
        if let at = name.firstIndex(of: "@") {
            modifier = name[name.index(after: at)...]
            name = name[..<at]
        }
        // en@boldquot wraps every quotation in terminal escape codes: not text anyone writes.
        if modifier == "boldquot" { return nil }
        let parts = name.split(separator: "_", maxSplits: 1)
        guard let first = parts.first else { return nil }
        let language = first.lowercased()
        let territory = parts.count > 1 ? parts[1].uppercased() : nil
        guard (2...3).contains(language.count), language.allSatisfy({ $0 >= "a" && $0 <= "z" }) else { return nil }
        let code = retired[language] ?? language
        if let script = script(language: code, territory: territory, modifier: modifier.map(String.init)) {
            return "\(code)-\(script)"
        }
        return code
    }

    /// Codes ISO 639 withdrew, still found in old locale names.
    static let retired = ["iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "no": "nb"]

    /// The script suffix, where the locale names one that differs from the language's usual script.
    static func script(language: String, territory: String?, modifier: String?) -> String? {
        switch (language, modifier?.lowercased()) {
        case ("zh", _):
            // Taiwan, Hong Kong and Macau write Traditional characters; the mainland and Singapore Simplified
            // (some packages name the script itself: zh_Hant, zh_Hans).
            return ["TW", "HK", "MO", "HANT"].contains(territory ?? "") ? "Hant" : "Hans"
        case ("az", _) where territory == "IR", ("pa", _) where territory == "PK":
            return "Arab"
        case ("en", "shaw"):
            return "Shaw"
        case ("sr", "latin"), ("sr", "latn"), ("sr", "ijekavianlatin"), ("be", "latin"), ("uz", "latin"), ("tt", "iqtelif"):
            return "Latn"
        case ("uz", "cyrillic"), ("ku", "cyrillic"):
            return "Cyrl"
        case ("ks", "devanagari"), ("sd", "devanagari"), ("sat", "deva"):
            return "Deva"
        default:
            return nil
        }
    }

    /// Label for a text in English: gettext's originals.
    public static let english = "en"
}
