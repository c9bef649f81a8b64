import Foundation
import Yams

/// Turns a YAML file into Yams' composed node tree, translating every Yams failure into a
/// `ConfigError` with the file name and the line Yams reports. The tree is used instead of
/// `Decodable` because it keeps each node's line and column, which strict error messages need.
enum YAMLDocument {
    /// Reads and composes `path`; `displayPath` is the name used in error messages.
    static func load(path: String, displayPath: String? = nil) throws(ConfigError) -> Node {
        let shown = displayPath ?? path
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "cannot be read as UTF-8 text" : "does not exist"
            throw ConfigError(file: shown, location: nil, message: "configuration file \(reason)")
        }
        return try compose(text, file: shown)
    }

    /// Composes YAML text; an empty document is an error because every config file is a mapping.
    static func compose(_ text: String, file: String) throws(ConfigError) -> Node {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw translate(error, text: text, file: file)
        } catch {
            throw ConfigError(file: file, location: nil, message: "invalid YAML: \(error)")
        }
        guard let root else {
            throw ConfigError(file: file, line: 1, column: 1, message: "file is empty; expected a mapping of keys")
        }
        return root
    }

    private static func translate(_ error: YamlError, text: String, file: String) -> ConfigError {
        func syntax(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> ConfigError {
            // Yams' context text says what it was doing ("while parsing a flow sequence"), which
            // helps when the real mistake (an unclosed bracket) sits lines above the reported one.
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return ConfigError(file: file, line: mark.line, column: mark.column, message: message)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return syntax(context, problem, mark)
        case let .reader(problem, offset, _, _):
            let location = offset.map { lineAndColumn(ofUTF8Offset: $0, in: text) }
            return ConfigError(file: file, location: location, message: "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? "?"
            let first = context.mark
            let second = locateDuplicate(key: key, after: first, in: text)
            return ConfigError(file: file, location: second ?? ConfigLocation(line: first.line, column: first.column),
                               message: "duplicate key '\(key)' (first given at line \(first.line))")
        default:
            return ConfigError(file: file, location: nil, message: "invalid YAML: \(error)")
        }
    }

    /// Yams reports a duplicated key at its first occurrence; the user needs the second one, the
    /// line they probably just added. In block style a later key of the same mapping starts at the
    /// same column, and the mapping ends at the first content line indented less. Returns nil
    /// (the caller falls back to the first occurrence) for flow mappings and other odd layouts.
    static func locateDuplicate(key: String, after first: Mark, in text: String) -> ConfigLocation? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.line < lines.count else { return nil }
        let column = first.column - 1
        let spellings = [key, "\"\(key)\"", "'\(key)'"]
        for index in first.line..<lines.count {
            let line = Array(lines[index])
            let indent = line.prefix { $0 == " " }.count
            if indent == line.count || line[indent] == "#" { continue }
            if indent < column { return nil }
            guard indent == column else { continue }
            let rest = String(line[column...])
            for spelling in spellings where rest.hasPrefix(spelling) {
                let after = rest.dropFirst(spelling.count).drop { $0 == " " }
                if after.first == ":" { return ConfigLocation(line: index + 1, column: first.column) }
            }
        }
        return nil
    }

    static func lineAndColumn(ofUTF8Offset offset: Int, in text: String) -> ConfigLocation {
        var line = 1, column = 1
        for byte in text.utf8.prefix(offset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return ConfigLocation(line: line, column: column)
    }
}
