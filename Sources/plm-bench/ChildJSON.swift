import ArgumentParser
import Foundation

/// Runs a peer or a child benchmark process whose last line of standard output is one JSON object
/// (its figures), and returns that object; a failed run or a missing object is an error naming it.
enum ChildJSON {
    static func run(_ executable: String, _ arguments: [String], quiet: Bool = false) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        if quiet { process.standardError = FileHandle(forWritingAtPath: "/dev/null") }
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            let name = ([executable] + arguments.prefix(1)).joined(separator: " ")
            throw ValidationError("\(name) failed (exit \(process.terminationStatus))")
        }
        return json
    }
}
