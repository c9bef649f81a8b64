import Yams

/// A YAML node written in one canonical form, so that two files saying the same thing in different
/// layouts (flow or block style, key order, comments) give the same text: the settings a stage's
/// fingerprint is made of. Keys named `description` are left out: they never change an output.
enum CanonicalYAML {
    /// The node as one line of JSON-like text: mappings with sorted keys, scalars quoted as written.
    static func text(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            return quoted(scalar.string)
        case .sequence(let sequence):
            return "[" + sequence.map(text).joined(separator: ",") + "]"
        case .mapping(let mapping):
            let entries = mapping.compactMap { key, value -> (String, String)? in
                guard let name = key.string, name != "description" else { return nil }
                return (name, text(value))
            }
            return "{" + entries.sorted { $0.0 < $1.0 }.map { quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
        case .alias:
            return "null"
        }
    }

    /// The node's leaves by dotted path (`filters.by_domain.code`), sequences kept whole: the form
    /// in which a stale stage's plan says what changed. `prefix` names the node itself.
    static func flatten(_ node: Node, prefix: String) -> [String: String] {
        if case .scalar(let scalar) = node { return [prefix: scalar.string] }
        guard case .mapping(let mapping) = node else { return [prefix: text(node)] }
        var leaves: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string, name != "description" else { continue }
            leaves.merge(flatten(value, prefix: prefix.isEmpty ? name : prefix + "." + name)) { first, _ in first }
        }
        return leaves
    }

    private static func quoted(_ string: String) -> String {
        var out = "\""
        for character in string.unicodeScalars {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out + "\""
    }
}
