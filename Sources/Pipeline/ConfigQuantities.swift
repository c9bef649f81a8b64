/// Parsers for the human-friendly quantities config files use. They return nil on anything they
/// do not understand; the caller turns that into a ConfigError naming the key and the value.
enum ConfigQuantities {
    /// Binary units are the sizes people mean for buffers; decimal units exist because disk and
    /// network sizes are quoted that way. Matched case-insensitively, longest suffix first.
    static let byteUnits: [(suffix: String, factor: Double)] = [
        ("kib", 1024), ("mib", 1024 * 1024), ("gib", 1024 * 1024 * 1024), ("tib", 1024 * 1024 * 1024 * 1024),
        ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12),
        ("b", 1),
    ]

    /// Token counts use the suffixes papers use: 500K, 20M, 1.5B, 2T.
    static let tokenUnits: [(suffix: String, factor: Double)] = [
        ("k", 1e3), ("m", 1e6), ("b", 1e9), ("t", 1e12),
    ]

    /// `16MiB`, `1GiB`, `512KiB`, `10MB`, `1.5 GiB`, `4096` -> bytes; nil when not a whole,
    /// non-negative number of bytes.
    static func byteSize(_ text: String) -> Int? {
        quantity(text, units: byteUnits)
    }

    /// `20M`, `1.5B`, `500K`, `1000000` -> tokens; nil when not a whole, non-negative count.
    static func tokenCount(_ text: String) -> Int? {
        quantity(text, units: tokenUnits)
    }

    private static func quantity(_ text: String, units: [(suffix: String, factor: Double)]) -> Int? {
        // Underscores are YAML's (and Swift's) digit separators: 1_000_000.
        let trimmed = text.trimmingWhitespace().replacingUnderscores()
        let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let suffix = trimmed.dropFirst(number.count).trimmingWhitespace().lowercased()
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number != "." else { return nil }
        if suffix.isEmpty {
            // Without a unit only an exact integer makes sense; Int avoids Double rounding.
            return Int(number)
        }
        guard let unit = units.first(where: { $0.suffix == suffix }), let value = Double(number) else {
            return nil
        }
        let total = value * unit.factor
        // Reject fractions (1.2345K tokens) and values too large for Int rather than rounding silently.
        guard total.isFinite, total == total.rounded(), total < 9.2e18 else { return nil }
        return Int(total)
    }
}

private extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    func replacingUnderscores() -> String {
        String(filter { $0 != "_" })
    }
}
