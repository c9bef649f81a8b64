import Foundation

/// Messages for the person at the terminal: standard error, so standard output stays data.
enum Console {
    static func say(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func note(_ message: String) { say("note: \(message)") }
}
