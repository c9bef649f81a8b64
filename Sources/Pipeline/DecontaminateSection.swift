/// The pipeline's `decontaminate:` section: training documents sharing an n-gram of normalised words
/// with an item of any evaluation set the manifest names are dropped (or the matching spans cut)
/// before the tokenizer and packing see them.
public struct DecontaminateSettings: Sendable, Equatable {
    /// On by default whenever the manifest names evaluation sets.
    public var enabled = true
    /// 13 as GPT-3's and Llama's reports; an item shorter than this matches as a whole.
    public var ngramSize = 13
    public enum Mode: String, Sendable, CaseIterable { case drop, cut }
    /// `drop` removes the document; `cut` removes the matching spans from plain text (chat records are
    /// always dropped: their text is not what packing renders).
    public var mode = Mode.drop

    public init() {}

    static let yamlKeys = ["enabled", "ngram_size", "mode"]

    init(section: YAMLMapping?) throws(ConfigError) {
        self.init()
        guard let section else { return }
        if let value = try section.optionalBool("enabled") { enabled = value }
        if let value = try section.optionalInt("ngram_size", atLeast: 1) { ngramSize = value }
        if let value = try section.optionalChoice("mode", as: Mode.self) { mode = value }
    }
}

extension PipelineConfig {
    /// The typed `decontaminate:` section (defaults when absent).
    public func decontaminateSettings() throws(ConfigError) -> DecontaminateSettings {
        let section = try reserved["decontaminate"].map { node throws(ConfigError) in
            try YAMLMapping(node, file: path, context: "section 'decontaminate'", allowed: DecontaminateSettings.yamlKeys)
        }
        return try DecontaminateSettings(section: section)
    }

    /// Whether the run has a decontamination stage: evaluation sets exist and the section does not turn it off.
    public func decontaminates(_ manifest: Manifest) throws(ConfigError) -> Bool {
        guard !manifest.evaluations.isEmpty else { return false }
        return try decontaminateSettings().enabled
    }
}
