/// How each trained phase is evaluated (the pipeline's `eval:` section): which part of every phase's
/// val split, and the fixed prompts whose seeded continuations the report shows.
public struct EvalSettings: Sendable, Equatable {
    /// Val samples per split (in folder order); nil evaluates them all.
    public var maxSamples: Int? = 256
    /// Prompts continued after every phase; the defaults suit the local manifest (Debian docs,
    /// licenses, Python, Swift).
    public var prompts = ["The GNU General Public License is", "This package provides", "def __init__(self",
                          "import Foundation\n\n/// "]
    public var maxTokens = 40
    /// Above 0: samples (top-k 40, top-p 0.95) at this temperature from `seed`; 0 decodes greedily.
    public var temperature = 0.8
    public var seed: UInt64 = 0
    /// Items of each evaluation set the manifest names, answered greedily and scored (nil: all).
    public var maxItems: Int? = 500
    /// Tokens a reply to an evaluation item may take.
    public var taskMaxTokens = 32

    public init() {}

    static let yamlKeys = ["max_samples", "prompts", "max_tokens", "temperature", "seed", "max_items", "task_max_tokens"]

    init(section: YAMLMapping?) throws(ConfigError) {
        self.init()
        guard let section else { return }
        if let value = try section.optionalInt("max_samples", atLeast: 0) { maxSamples = value == 0 ? nil : value }
        if let list = try section.optionalStringList("prompts") {
            for (prompt, location) in list where prompt.isEmpty {
                throw section.error(at: location, "an entry of prompts is empty")
            }
            prompts = list.map(\.0)
        }
        if let value = try section.optionalInt("max_tokens", atLeast: 1) { maxTokens = value }
        if let value = try section.optionalDouble("temperature") {
            guard value >= 0 else { throw section.invalid("temperature", mustBe: "a number at least 0") }
            temperature = value
        }
        if let value = try section.optionalInt("seed", atLeast: 0) { seed = UInt64(value) }
        if let value = try section.optionalInt("max_items", atLeast: 0) { maxItems = value == 0 ? nil : value }
        if let value = try section.optionalInt("task_max_tokens", atLeast: 1) { taskMaxTokens = value }
    }
}

extension PipelineConfig {
    /// The typed `eval:` section (defaults when absent).
    public func evalSettings() throws(ConfigError) -> EvalSettings {
        let section = try reserved["eval"].map { node throws(ConfigError) in
            try YAMLMapping(node, file: path, context: "section 'eval'", allowed: EvalSettings.yamlKeys)
        }
        return try EvalSettings(section: section)
    }
}
