import Curation
import Yams

/// One source of a manifest: what ingest needs (`spec`) plus what only later stages and error
/// messages need. Kept beside `SourceSpec` rather than inside it so ingest stays YAML-free.
public struct ManifestSource: Sendable, Equatable {
    /// Paths already resolved against the manifest's folder.
    public var spec: SourceSpec
    /// Which copy dedup keeps when the same text is in several sources: the lowest value wins.
    /// Defaults to the source's position in the list (0 for the first), so earlier sources win.
    public var priority: Int
    /// Line of the source's entry in the manifest, for messages about the source as a whole.
    public var line: Int
    /// The paths as written in the file, parallel to `spec.paths`, for messages.
    public var writtenPaths: [String]
    /// Where each path was written, parallel to `spec.paths`.
    public var pathLocations: [ConfigLocation]
    /// Set when `plm make-sft` writes the source's records (`generate:`); `spec.paths` are then the
    /// generator's inputs, and ingest reads the written JSONL instead (`Manifest.ingestSpecs(root:)`).
    public var generated: GeneratedSource?

    public init(spec: SourceSpec, priority: Int, line: Int, writtenPaths: [String] = [],
                pathLocations: [ConfigLocation] = []) {
        self.spec = spec
        self.priority = priority
        self.line = line
        self.writtenPaths = writtenPaths
        self.pathLocations = pathLocations
    }

    public var name: String { spec.name }

    static let keys = ["name", "paths", "include", "exclude", "kind", "text_field", "domain", "license",
                       "optional", "priority"] + GeneratedSource.keys

    /// Reads the `index`th entry (0-based) of `sources:`; relative paths resolve against `directory`.
    init(_ node: Node, index: Int, file: String, directory: String) throws(ConfigError) {
        // Name the source in messages as soon as possible: "source 'docs'" beats "source #3".
        let context = ConfigNames.peekName(node).map { "source '\($0)'" } ?? "source #\(index + 1)"
        let entry = try YAMLMapping(node, file: file, context: context, allowed: Self.keys)
        let name = try ConfigNames.checked(entry, key: "name")
        let generated = try GeneratedSource.parse(entry)
        if generated != nil, entry.has("kind") {
            throw entry.error(at: entry.location(of: "kind"), "key 'kind' in \(context) does not apply to a generated source "
                + "(make-sft writes chat records)")
        }
        // A generated source reads the generator's usual inputs unless told otherwise.
        let defaults = generated.map { $0.generator.defaultPaths.map { (value: $0, location: entry.location) } }
        guard let paths = try entry.optionalStringList("paths", scalarAllowed: true) ?? defaults else {
            throw entry.missing("paths")
        }
        guard !paths.isEmpty || generated?.generator == .arithmetic else {
            throw entry.invalid("paths", mustBe: "a path or a non-empty list of paths")
        }
        for path in paths where path.value.isEmpty {
            throw entry.error(at: path.location, "empty path in key 'paths' of \(context)")
        }
        let include = try Self.patterns("include", in: entry)
        let exclude = try Self.patterns("exclude", in: entry)
        let kind = generated != nil ? .jsonl : try entry.optionalChoice("kind", as: DocumentKind.self) ?? .auto
        let textField = try entry.optionalString("text_field")
        // A text field on a source that can never hold JSONL is a misunderstanding worth reporting.
        if textField != nil, kind != .jsonl, kind != .auto {
            throw entry.error(at: entry.location(of: "text_field"),
                              "key 'text_field' in \(context) only applies to kind jsonl or auto, not \(kind.rawValue)")
        }
        if let textField, textField.isEmpty { throw entry.invalid("text_field", mustBe: "a non-empty field name") }
        let domain = try entry.string("domain")
        let license = try entry.optionalString("license") ?? ""
        let optional = try entry.optionalBool("optional") ?? false
        let priority = try entry.optionalInt("priority") ?? index

        self.init(
            spec: SourceSpec(name: name, paths: paths.map { ConfigPaths.resolve($0.value, against: directory) },
                             include: include, exclude: exclude, kind: kind, textField: textField ?? "text",
                             domain: domain, license: license, optional: optional),
            priority: priority, line: entry.location.line,
            writtenPaths: paths.map(\.value), pathLocations: paths.map(\.location))
        self.generated = generated
    }

    /// Include and exclude lists; a single pattern may be written without list brackets.
    private static func patterns(_ key: String, in entry: YAMLMapping) throws(ConfigError) -> [String] {
        let items = try entry.optionalStringList(key, scalarAllowed: true) ?? []
        for item in items where item.value.isEmpty {
            throw entry.error(at: item.location, "empty pattern in key '\(key)' of \(entry.context)")
        }
        return items.map(\.value)
    }
}
