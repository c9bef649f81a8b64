import Yams

/// Names that become folder names (`<root>/ingest/<name>/`) or keys in other files.
enum ConfigNames {
    /// Letters, digits, `.`, `_` and `-`: safe as a folder name on every file system and in shells.
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".."
            && name.unicodeScalars.allSatisfy(isNameCharacter)
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
        default: return false
        }
    }

    /// The required key `key`, checked to be a valid name.
    static func checked(_ mapping: YAMLMapping, key: String) throws(ConfigError) -> String {
        let name = try mapping.string(key)
        guard isValid(name) else {
            throw mapping.invalid(key, mustBe: "a name made of letters, digits, '.', '_' and '-'")
        }
        return name
    }

    /// The `name` of a mapping node, if it has a usable one, read before strict checking.
    static func peekName(_ node: Node) -> String? {
        guard case let .scalar(scalar)? = node.mapping?["name"], !scalar.string.isEmpty else { return nil }
        return scalar.string
    }
}
