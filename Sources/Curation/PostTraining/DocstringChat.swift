/// Chat records from Python source files: one per public, documented function, method or class.
///
/// Rules:
/// - Files ending in `.py`; the module is the path inside its root without `.py` and `__init__`,
///   and without everything up to a `site-packages` or `dist-packages` folder
///   (`dist-packages/requests/api.py` -> `requests.api`).
/// - A `def name(args):` (over as many lines as it takes) or `class Name...:` whose next non-blank
///   line opens a triple-quoted docstring makes the record "What does the Python function
///   `module.name(args)` do?" -> the docstring's first paragraph, dedented (methods are
///   `module.Class.name(args)` without `self`; classes are asked about without arguments).
/// - Names starting with `_` (or in a class or module whose name does: `pip._vendor`,
///   `_collections_abc`) and first paragraphs shorter than
///   `minimumSummaryCharacters` are skipped and counted. See `PythonDefinitions` for the parser's limits.
public struct DocstringChat: ChatRecordGenerator {
    public let name = "python-docstrings"
    public var minimumSummaryCharacters: Int

    public init(minimumSummaryCharacters: Int = 20) { self.minimumSummaryCharacters = minimumSummaryCharacters }

    public func keeps(relativePath: String) -> Bool { relativePath.hasSuffix(".py") }

    public func records(fromText text: String, file: String, relativePath: String,
                        stats: inout PostTrainingStats) -> [ChatRecord] {
        let module = Self.moduleName(relativePath)
        var records: [ChatRecord] = []
        for definition in PythonDefinitions.find(in: text) {
            let dotted = module.isEmpty ? definition.qualifiedName : module + "." + definition.qualifiedName
            if definition.isPrivate || module.split(separator: ".").contains(where: { $0.hasPrefix("_") }) {
                stats.skip(.privateName, "\(file) \(dotted)")
                continue
            }
            if definition.summary.count < minimumSummaryCharacters {
                stats.skip(.shortDocstring, "\(file) \(dotted)")
                continue
            }
            let question = switch definition.kind {
            case .function: "What does the Python function `\(dotted)(\(definition.parameters))` do?"
            case .method: "What does the Python method `\(dotted)(\(definition.parameters))` do?"
            case .class: "What does the Python class `\(dotted)` do?"
            }
            records.append(ChatRecord(id: "\(name)/\(file)#\(records.count)", user: question, assistant: definition.summary))
        }
        return records
    }

    /// "dist-packages/pkg/sub/__init__.py" -> "pkg.sub"; "json/decoder.py" -> "json.decoder".
    static func moduleName(_ relativePath: String) -> String {
        var parts = relativePath.split(separator: "/").map(String.init)
        if let packages = parts.lastIndex(where: { $0 == "site-packages" || $0 == "dist-packages" }) {
            parts.removeSubrange(...packages)
        }
        guard var last = parts.popLast() else { return "" }
        if last.hasSuffix(".py") { last.removeLast(3) }
        if last != "__init__" { parts.append(last) }
        return parts.joined(separator: ".")
    }
}
