import Curation
import Yams

/// A manifest file: what data exists (sources) and how training phases mix it. Loading checks
/// the file strictly (unknown keys, wrong types, duplicates and dangling source names are errors
/// with file:line:column); whether the paths exist is checked separately by `validatePaths()`,
/// because a manifest is also read on machines that do not hold the data.
public struct Manifest: Sendable, Equatable {
    /// The file as named in messages.
    public var path: String
    public var name: String
    public var description: String
    public var sources: [ManifestSource]
    public var phases: [ManifestPhase]
    /// Held-out evaluation sets (`evaluations:`): scored after every phase, kept out of training data.
    public var evaluations: [ManifestEvaluation] = []
    /// Each source's and phase's entry as written, by dotted path (`sources.docs.paths`,
    /// `phases.pretrain.weights.docs`): the manifest's part of stage fingerprints.
    public var settings: [String: String] = [:]

    public init(path: String, name: String, description: String = "", sources: [ManifestSource],
                phases: [ManifestPhase] = []) {
        self.path = path
        self.name = name
        self.description = description
        self.sources = sources
        self.phases = phases
    }

    /// The sources as written, in manifest order (a generated source names its generator's inputs).
    public var sourceSpecs: [SourceSpec] { sources.map(\.spec) }

    /// The sources in the form ingest consumes, in manifest order: a generated source is the JSONL file
    /// `plm make-sft` wrote for it under the run's output root.
    public func ingestSpecs(layout: RunLayout) -> [SourceSpec] {
        sources.map { source in
            guard source.generated != nil else { return source.spec }
            var spec = source.spec
            spec.paths = [layout.generatedRecords(source: source.name)]
            spec.include = []
            spec.exclude = []
            spec.kind = .jsonl
            spec.optional = false
            return spec
        }
    }

    /// Sources and evaluation sets `plm make-sft` writes.
    public var hasGeneratedData: Bool {
        sources.contains { $0.generated != nil } || evaluations.contains { $0.generated != nil }
    }

    /// The phases packed from the manifest's sources: all but the preference phases that make their own
    /// pairs as they train.
    public var packedPhases: [ManifestPhase] { phases.filter { !$0.makesOwnPairs } }

    public func evaluation(named name: String) -> ManifestEvaluation? {
        evaluations.first { $0.name == name }
    }

    public func source(named name: String) -> ManifestSource? {
        sources.first { $0.name == name }
    }

    public func phase(named name: String) -> ManifestPhase? {
        phases.first { $0.name == name }
    }

    static let keys = ["name", "description", "sources", "phases", "evaluations"]

    /// Reads and checks the manifest at `path`. Relative source paths resolve against the folder
    /// holding the file. `displayPath` names the file in messages (default: `path`).
    public static func load(path: String, displayPath: String? = nil) throws(ConfigError) -> Manifest {
        let shown = displayPath ?? path
        let root = try YAMLDocument.load(path: path, displayPath: shown)
        return try parse(root, file: shown, directory: ConfigPaths.directory(of: path))
    }

    /// Reads manifest text as if it were the file `path` (for messages and relative paths).
    public static func parse(yaml: String, path: String) throws(ConfigError) -> Manifest {
        let root = try YAMLDocument.compose(yaml, file: path)
        return try parse(root, file: path, directory: ConfigPaths.directory(of: path))
    }

    static func parse(_ root: Node, file: String, directory: String) throws(ConfigError) -> Manifest {
        let top = try YAMLMapping(root, file: file, context: "the manifest", allowed: keys)
        let name = try top.string("name")
        let description = try top.optionalString("description") ?? ""

        guard let sourceNodes = try top.optionalList("sources") else { throw top.missing("sources") }
        guard !sourceNodes.isEmpty else { throw top.invalid("sources", mustBe: "a non-empty list of sources") }
        var sources: [ManifestSource] = []
        var sourceLines: [String: Int] = [:]
        for (index, node) in sourceNodes.enumerated() {
            let source = try ManifestSource(node, index: index, file: file, directory: directory)
            if let first = sourceLines[source.name] {
                throw ConfigError(file: file, location: YAMLMapping.location(of: nameNode(node) ?? node),
                                  message: "duplicate source name '\(source.name)' (first declared at line \(first))")
            }
            sourceLines[source.name] = source.line
            sources.append(source)
        }

        var phases: [ManifestPhase] = []
        var phaseLines: [String: Int] = [:]
        let declared = Set(sources.map(\.name))
        for (index, node) in (try top.optionalList("phases") ?? []).enumerated() {
            let phase = try ManifestPhase(node, index: index, file: file, sources: declared)
            if let first = phaseLines[phase.name] {
                throw ConfigError(file: file, location: YAMLMapping.location(of: nameNode(node) ?? node),
                                  message: "duplicate phase name '\(phase.name)' (first declared at line \(first))")
            }
            phaseLines[phase.name] = phase.line
            phases.append(phase)
        }
        var evaluations: [ManifestEvaluation] = []
        let evaluationNodes = try top.optionalList("evaluations") ?? []
        for (index, node) in evaluationNodes.enumerated() {
            let evaluation = try ManifestEvaluation(node, index: index, file: file, directory: directory)
            if let first = evaluations.first(where: { $0.name == evaluation.name }) {
                throw ConfigError(file: file, location: YAMLMapping.location(of: nameNode(node) ?? node),
                                  message: "duplicate evaluation name '\(evaluation.name)' (first declared at line \(first.line))")
            }
            evaluations.append(evaluation)
        }
        var manifest = Manifest(path: file, name: name, description: description, sources: sources, phases: phases)
        manifest.evaluations = evaluations
        for (node, evaluation) in zip(evaluationNodes, evaluations) {
            manifest.settings.merge(CanonicalYAML.flatten(node, prefix: "evaluations.\(evaluation.name)")) { a, _ in a }
        }
        for (node, source) in zip(sourceNodes, sources) {
            manifest.settings.merge(CanonicalYAML.flatten(node, prefix: "sources.\(source.name)")) { a, _ in a }
        }
        for (node, phase) in zip(try top.optionalList("phases") ?? [], phases) {
            manifest.settings.merge(CanonicalYAML.flatten(node, prefix: "phases.\(phase.name)")) { a, _ in a }
        }
        return manifest
    }

    /// The value node of an entry's `name`, so a duplicate is reported on the name itself.
    private static func nameNode(_ node: Node) -> Node? {
        node.mapping?["name"]
    }
}
