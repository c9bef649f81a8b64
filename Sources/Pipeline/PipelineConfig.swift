import Curation
import Foundation
import Shards
import Yams

/// A pipeline file: what to do with a manifest's data. Stage sections not yet implemented are
/// accepted as mappings and kept raw in `reserved`, so files written for later stages already
/// load today while a misspelt top-level key is still an error.
///
/// Not `Sendable`: Yams' nodes hold tags that resolve lazily. Later stages read their typed
/// settings out of `reserved` once, on the loading thread.
public struct PipelineConfig {
    /// The file as named in messages.
    public var path: String
    public var name: String
    public var description: String
    /// The manifest as named in messages: the `manifest` key joined onto the pipeline's folder.
    public var manifestPath: String
    /// Absolute output root of the run (default: `shards/<name>` under the working directory).
    public var output: String
    public var ingest: IngestConfig
    /// Exact and MinHash deduplication (`dedup:`).
    public var dedup: DedupConfig
    /// Quality filters (`filters:`).
    public var filters: FilterConfig
    /// Packing phases into shards (`pack:`).
    public var pack: PackConfig
    /// Worker processes or threads on this machine; independent of `ingest.tasks` so that outputs
    /// do not depend on it.
    public var workers: Int
    /// Sections for later stages, by key, as written. Each is a mapping.
    public var reserved: [String: Node]
    /// Every stage section's values as written, by dotted path (`filters.by_domain.code`): what stage
    /// fingerprints are made of (see StageGraph).
    public var settings: [String: String] = [:]
    /// Where each top-level key was written (for messages about a whole section, or the manifest).
    public var keyLocations: [String: ConfigLocation] = [:]

    /// Top-level sections later stages will define; accepted now as opaque mappings.
    public static let reservedSections = ["tokenizer", "model", "schedule", "eval", "decontaminate", "align", "executor"]

    static let keys = ["name", "description", "manifest", "output", "ingest", "dedup", "filters", "pack", "workers"]
        + reservedSections

    public init(path: String, name: String, description: String = "", manifestPath: String, output: String,
                ingest: IngestConfig = IngestConfig(), dedup: DedupConfig = DedupConfig(),
                filters: FilterConfig = FilterConfig(), pack: PackConfig = PackConfig(), workers: Int,
                reserved: [String: Node] = [:]) {
        self.path = path
        self.name = name
        self.description = description
        self.manifestPath = manifestPath
        self.output = output
        self.ingest = ingest
        self.dedup = dedup
        self.filters = filters
        self.pack = pack
        self.workers = workers
        self.reserved = reserved
    }

    /// Reads and checks the pipeline file at `path` (the manifest it names is not read).
    public static func load(path: String) throws(ConfigError) -> PipelineConfig {
        try parse(YAMLDocument.load(path: path), file: path)
    }

    /// Reads pipeline text as if it were the file `path` (for messages and relative paths).
    public static func parse(yaml: String, path: String) throws(ConfigError) -> PipelineConfig {
        try parse(YAMLDocument.compose(yaml, file: path), file: path)
    }

    /// Reads the pipeline, the manifest it names, and checks the manifest's paths on this machine.
    /// `notes` lists skipped optional paths; used by `plm validate` and before every run.
    public static func loadWithManifest(
        path: String
    ) throws(ConfigError) -> (pipeline: PipelineConfig, manifest: Manifest, notes: [String]) {
        let pipeline = try load(path: path)
        let manifest = try pipeline.loadManifest()
        try pipeline.checkSections(manifest: manifest)
        let notes = try manifest.validatePaths()
        return (pipeline, manifest, notes)
    }

    /// The manifest the pipeline names; a missing file is reported at the pipeline's `manifest:` line.
    public func loadManifest() throws(ConfigError) -> Manifest {
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw ConfigError(file: path, location: keyLocations["manifest"],
                              message: "the manifest \(manifestPath) does not exist")
        }
        return try Manifest.load(path: manifestPath)
    }

    static func parse(_ root: Node, file: String) throws(ConfigError) -> PipelineConfig {
        let top = try YAMLMapping(root, file: file, context: "the pipeline", allowed: keys)
        let name = try ConfigNames.checked(top, key: "name")
        let manifest = try top.string("manifest")
        let output = try top.optionalString("output") ?? "shards/\(name)"
        let ingest = try IngestConfig(
            section: top.optionalMapping("ingest", context: "section 'ingest'", allowed: IngestConfig.yamlKeys))
        let dedup = try DedupConfig(
            section: top.optionalMapping("dedup", context: "section 'dedup'", allowed: DedupConfig.yamlKeys))
        let filters = try FilterConfig(
            section: top.optionalMapping("filters", context: "section 'filters'", allowed: FilterConfig.yamlKeys))
        let pack = try PackConfig(
            section: top.optionalMapping("pack", context: "section 'pack'", allowed: PackConfig.yamlKeys))
        let workers = try top.optionalInt("workers", atLeast: 1) ?? ProcessInfo.processInfo.activeProcessorCount

        var reserved: [String: Node] = [:]
        for key in reservedSections {
            guard let node = top.node(key) else { continue }
            guard case .mapping = node else { throw top.invalid(key, mustBe: "a mapping") }
            reserved[key] = node
        }
        var settings: [String: String] = [:]
        for key in ["ingest", "dedup", "filters", "pack"] + reservedSections {
            if let node = top.node(key) { settings.merge(CanonicalYAML.flatten(node, prefix: key)) { a, _ in a } }
        }
        var config = PipelineConfig(
            path: file, name: name, description: try top.optionalString("description") ?? "",
            // Relative to the pipeline file, so `plm run pipelines/x.yaml` works from any folder.
            manifestPath: ConfigPaths.join(ConfigPaths.directory(of: file), manifest),
            output: ConfigPaths.absolute(output), ingest: ingest, dedup: dedup, filters: filters, pack: pack,
            workers: workers,
            reserved: reserved)
        config.settings = settings
        for key in keys where top.has(key) { config.keyLocations[key] = top.location(of: key) }
        return config
    }
}
