import Foundation

/// Messages for the person at the terminal: standard error, so standard output stays data.
enum Console {
    static func say(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func note(_ message: String) { say("note: \(message)") }

    /// A command's `--json` result: one object on one line of standard output, keys sorted.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
