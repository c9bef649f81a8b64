import Yams

/// A YAML mapping read strictly: its keys are checked against a declared list when it is created,
/// and each typed accessor turns a wrong or missing value into a ConfigError that names the file,
/// the line and column, the key and where the key sits (`source 'docs'`, `section 'ingest'`).
///
/// Optional accessors treat an explicit null (`key:` with nothing after it) as absent, so a section
/// whose entries are all commented out behaves like an omitted one.
struct YAMLMapping {
    /// The file name used in messages.
    let file: String
    /// Names the mapping in messages: "the manifest", "source 'docs'", "section 'ingest'".
    let context: String
    let location: ConfigLocation
    private let entries: [String: (key: Node, value: Node)]

    /// Fails unless `node` is a mapping whose keys are all scalars from `allowed`.
    init(_ node: Node, file: String, context: String, allowed: [String]) throws(ConfigError) {
        self.file = file
        self.context = context
        self.location = Self.location(of: node)
        guard case let .mapping(mapping) = node else {
            throw ConfigError(file: file, location: location,
                              message: "\(context) must be a mapping of keys, got \(Self.describe(node))")
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case let .scalar(scalar) = key else {
                throw ConfigError(file: file, location: Self.location(of: key),
                                  message: "keys in \(context) must be plain names, got \(Self.describe(key))")
            }
            guard allowed.contains(scalar.string) else {
                var message = "unknown key '\(scalar.string)' in \(context)"
                if let guess = Self.closest(to: scalar.string, among: allowed) {
                    message += "; did you mean '\(guess)'?"
                }
                message += " (expected one of: \(allowed.joined(separator: ", ")))"
                throw ConfigError(file: file, location: Self.location(of: key), message: message)
            }
            // Yams rejects duplicated keys while composing; this only guards odd spellings it treats as distinct.
            if let earlier = entries[scalar.string] {
                throw ConfigError(file: file, location: Self.location(of: key),
                                  message: "duplicate key '\(scalar.string)' in \(context) "
                                      + "(first given at line \(Self.location(of: earlier.key).line))")
            }
            entries[scalar.string] = (key, value)
        }
        self.entries = entries
    }

    // MARK: Presence and locations

    /// The value of `key`, nil when absent or null.
    func node(_ key: String) -> Node? {
        guard let value = entries[key]?.value, !Self.isNull(value) else { return nil }
        return value
    }

    func has(_ key: String) -> Bool { node(key) != nil }

    /// Where a problem with `key` should point: its value, else the key, else the mapping.
    func location(of key: String) -> ConfigLocation {
        if let entry = entries[key] {
            return Self.isNull(entry.value) ? Self.location(of: entry.key) : Self.location(of: entry.value)
        }
        return location
    }

    /// An error at an arbitrary place in this mapping's file.
    func error(at location: ConfigLocation, _ message: String) -> ConfigError {
        ConfigError(file: file, location: location, message: message)
    }

    /// `key 'k' in <context> must be <requirement>, got '<value>'`, pointing at the value.
    func invalid(_ key: String, mustBe requirement: String) -> ConfigError {
        let got = entries[key].map { Self.describe($0.value) } ?? "nothing"
        return error(at: location(of: key), "key '\(key)' in \(context) must be \(requirement), got \(got)")
    }

    func missing(_ key: String) -> ConfigError {
        error(at: location, "missing required key '\(key)' in \(context)")
    }

    // MARK: Scalars

    /// The text of a scalar value; numbers and booleans are accepted as their spelling, because a
    /// name like `1.0` or a note like `yes` is still meant as text.
    func optionalString(_ key: String) throws(ConfigError) -> String? {
        guard let value = node(key) else { return nil }
        guard case let .scalar(scalar) = value else { throw invalid(key, mustBe: "a string") }
        return scalar.string
    }

    func string(_ key: String) throws(ConfigError) -> String {
        guard entries[key] != nil else { throw missing(key) }
        guard let text = try optionalString(key), !text.isEmpty else {
            throw invalid(key, mustBe: "a non-empty string")
        }
        return text
    }

    func optionalInt(_ key: String, atLeast minimum: Int? = nil) throws(ConfigError) -> Int? {
        guard let text = try scalarText(key, mustBe: "an integer") else { return nil }
        guard let value = Int(text.filter { $0 != "_" }) else { throw invalid(key, mustBe: "an integer") }
        if let minimum, value < minimum { throw invalid(key, mustBe: "an integer >= \(minimum)") }
        return value
    }

    func optionalDouble(_ key: String) throws(ConfigError) -> Double? {
        guard let text = try scalarText(key, mustBe: "a number") else { return nil }
        guard let value = Double(text.filter { $0 != "_" }), value.isFinite else {
            throw invalid(key, mustBe: "a number")
        }
        return value
    }

    func optionalBool(_ key: String) throws(ConfigError) -> Bool? {
        guard let text = try scalarText(key, mustBe: "true or false") else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw invalid(key, mustBe: "true or false")
        }
    }

    /// One of an enum's raw values, e.g. `kind: code`.
    func optionalChoice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, as type: Choice.Type
    ) throws(ConfigError) -> Choice? where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
        guard let text = try scalarText(key, mustBe: "one of \(names)") else { return nil }
        guard let choice = Choice(rawValue: text) else { throw invalid(key, mustBe: "one of \(names)") }
        return choice
    }

    /// A byte size: an integer or a number with a unit (`16MiB`, `1GiB`, `512KiB`, `10MB`).
    func optionalByteSize(_ key: String) throws(ConfigError) -> Int? {
        let requirement = "a byte size (an integer, or a number with B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)"
        guard let text = try scalarText(key, mustBe: requirement) else { return nil }
        guard let bytes = ConfigQuantities.byteSize(text) else { throw invalid(key, mustBe: requirement) }
        return bytes
    }

    /// A token count: an integer or a number with K, M, B or T (`500K`, `20M`, `1.5B`).
    func optionalTokenCount(_ key: String) throws(ConfigError) -> Int? {
        let requirement = "a token count (an integer, or a number with K, M, B or T, like 20M or 1.5B)"
        guard let text = try scalarText(key, mustBe: requirement) else { return nil }
        guard let tokens = ConfigQuantities.tokenCount(text) else { throw invalid(key, mustBe: requirement) }
        return tokens
    }

    private func scalarText(_ key: String, mustBe requirement: String) throws(ConfigError) -> String? {
        guard let value = node(key) else { return nil }
        guard case let .scalar(scalar) = value else { throw invalid(key, mustBe: requirement) }
        return scalar.string
    }

    // MARK: Collections

    /// A list of strings with each entry's location. With `scalarAllowed`, a single string stands
    /// for a one-element list (`paths: /usr/share/doc`). Nil when the key is absent.
    func optionalStringList(
        _ key: String, scalarAllowed: Bool = false
    ) throws(ConfigError) -> [(value: String, location: ConfigLocation)]? {
        guard let value = node(key) else { return nil }
        let requirement = scalarAllowed ? "a string or a list of strings" : "a list of strings"
        switch value {
        case let .scalar(scalar) where scalarAllowed:
            return [(scalar.string, Self.location(of: value))]
        case let .sequence(sequence):
            var items: [(value: String, location: ConfigLocation)] = []
            for item in sequence {
                guard case let .scalar(scalar) = item, !Self.isNull(item) else {
                    throw error(at: Self.location(of: item),
                                "key '\(key)' in \(context) must be \(requirement), got \(Self.describe(item)) as an entry")
                }
                items.append((scalar.string, Self.location(of: item)))
            }
            return items
        default:
            throw invalid(key, mustBe: requirement)
        }
    }

    /// A mapping from names to numbers in file order, each with the location of its name, so a
    /// caller can report an unknown name where it was written. Nil when the key is absent.
    func optionalNumberMap(
        _ key: String
    ) throws(ConfigError) -> [(name: String, value: Double, text: String, location: ConfigLocation)]? {
        guard let value = node(key) else { return nil }
        guard case let .mapping(mapping) = value else {
            throw invalid(key, mustBe: "a mapping of names to numbers")
        }
        var items: [(name: String, value: Double, text: String, location: ConfigLocation)] = []
        for (name, number) in mapping {
            guard case let .scalar(nameScalar) = name else {
                throw error(at: Self.location(of: name),
                            "key '\(key)' in \(context) must map names to numbers, got \(Self.describe(name)) as a name")
            }
            guard case let .scalar(numberScalar) = number,
                  let parsed = Double(numberScalar.string.filter { $0 != "_" }), parsed.isFinite else {
                throw error(at: Self.location(of: number),
                            "'\(nameScalar.string)' in key '\(key)' of \(context) must be a number, got \(Self.describe(number))")
            }
            items.append((nameScalar.string, parsed, numberScalar.string, Self.location(of: name)))
        }
        return items
    }

    /// A nested mapping checked against its own key list. Nil when absent.
    func optionalMapping(_ key: String, context: String, allowed: [String]) throws(ConfigError) -> YAMLMapping? {
        guard let value = node(key) else { return nil }
        guard case .mapping = value else { throw invalid(key, mustBe: "a mapping") }
        return try YAMLMapping(value, file: file, context: context, allowed: allowed)
    }

    /// The raw nodes of a list whose items the caller reads as mappings (it knows their contexts,
    /// which usually depend on a name inside each item). Nil when absent.
    func optionalList(_ key: String) throws(ConfigError) -> [Node]? {
        guard let value = node(key) else { return nil }
        guard case let .sequence(sequence) = value else { throw invalid(key, mustBe: "a list") }
        return Array(sequence)
    }

    // MARK: Helpers

    static func location(of node: Node) -> ConfigLocation {
        let mark = node.mark
        return ConfigLocation(line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    static func isNull(_ node: Node) -> Bool {
        node.null != nil
    }

    /// How a value appears in messages: scalars quoted as written, collections by their shape.
    static func describe(_ node: Node) -> String {
        switch node {
        case let .scalar(scalar):
            return isNull(node) ? "nothing (null)" : "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The allowed key nearest to a misspelling, when it is close enough to be a likely typo.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, word.count / 3) else { return nil }
        return best.0
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbours ('pahts' for 'paths', the commonest typo) each cost one.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
