/// Why a tokenizer could not be built or a tokenizer file could not be read, naming the field.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read, or is not JSON.
    case unreadable(path: String, detail: String)
    /// A required field is absent.
    case missingField(field: String)
    /// A field has a value of the wrong type or an inconsistent value.
    case invalid(field: String, detail: String)
    /// A field asks for something this tokenizer does not implement.
    case unsupported(field: String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let detail): return "cannot read \(path): \(detail)"
        case .missingField(let field): return "missing field \(field)"
        case .invalid(let field, let detail): return "invalid \(field): \(detail)"
        case .unsupported(let field, let detail): return "unsupported \(field): \(detail)"
        }
    }
}
