/// A place in a configuration file, 1-based like editors show it.
public struct ConfigLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// Every problem found in a manifest or pipeline file. The description is a single line in the
/// `file:line:column: message` form that editors and terminals turn into links, so a user can
/// jump straight to the offending key.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it (or as resolved from the file that refers to it).
    public var file: String
    /// Where in the file; nil only when the file itself could not be read.
    public var location: ConfigLocation?
    /// What is wrong, naming the key and its context.
    public var message: String

    public init(file: String, location: ConfigLocation?, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public init(file: String, line: Int, column: Int, message: String) {
        self.init(file: file, location: ConfigLocation(line: line, column: column), message: message)
    }

    public var line: Int? { location?.line }
    public var column: Int? { location?.column }

    public var description: String {
        if let location { return "\(file):\(location.line):\(location.column): \(message)" }
        return "\(file): \(message)"
    }
}
