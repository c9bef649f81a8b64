import Yams

/// What a training phase is for; decides how later stages pack and weight its data.
public enum PhaseKind: String, Sendable, CaseIterable, Codable {
    case pretrain
    case sft
    case preference
}

/// One phase of the training recipe: which sources it draws from and how much.
public struct ManifestPhase: Sendable, Equatable {
    /// Unique name; becomes the phase's folder name for packed shards.
    public var name: String
    public var kind: PhaseKind
    /// Token budget of the phase; nil when the manifest leaves it to the pipeline.
    public var tokens: Int?
    /// Relative sampling weight per source name (all positive, all declared sources). Empty when
    /// the manifest gives none; the packing stage decides what that means.
    public var weights: [String: Double]
    /// How many times each named source may be repeated within the phase (positive).
    public var epochs: [String: Double]
    public var description: String
    /// Relative weight per language (`metadata.language`, as the language filter writes it) within each
    /// source, plus `other` for every language not listed; zero or unlisted without `other` leaves a language
    /// out. Empty when the manifest gives none: sources are then drawn whatever their languages.
    public var languageWeights: [String: Double] = [:]
    /// Preference phases only: the source whose prompts (and exact answers) ARIES rounds sample from.
    /// Such a phase makes its pairs as it trains (`plm align`) instead of packing the manifest's.
    public var prompts: String?
    /// Line of the phase's entry in the manifest.
    public var line: Int

    public init(name: String, kind: PhaseKind = .pretrain, tokens: Int? = nil, weights: [String: Double] = [:],
                epochs: [String: Double] = [:], description: String = "", line: Int = 0) {
        self.name = name
        self.kind = kind
        self.tokens = tokens
        self.weights = weights
        self.epochs = epochs
        self.description = description
        self.line = line
    }

    static let keys = ["name", "kind", "tokens", "weights", "epochs", "language_weights", "description", "prompts"]

    /// Reads the `index`th entry (0-based) of `phases:`; source names must be in `sources`.
    init(_ node: Node, index: Int, file: String, sources: Set<String>) throws(ConfigError) {
        let context = ConfigNames.peekName(node).map { "phase '\($0)'" } ?? "phase #\(index + 1)"
        let entry = try YAMLMapping(node, file: file, context: context, allowed: Self.keys)
        let name = try ConfigNames.checked(entry, key: "name")
        let tokens = try entry.optionalTokenCount("tokens")
        if tokens == 0 { throw entry.invalid("tokens", mustBe: "a positive token count") }
        let kind = try entry.optionalChoice("kind", as: PhaseKind.self) ?? .pretrain
        let prompts = try entry.optionalString("prompts")
        if let prompts {
            guard kind == .preference else {
                throw entry.error(at: entry.location(of: "prompts"), "key 'prompts' in \(context) only applies to kind preference")
            }
            guard sources.contains(prompts) else {
                throw entry.error(at: entry.location(of: "prompts"), "key 'prompts' in \(context) names unknown source '\(prompts)' "
                    + "(declared sources: \(sources.sorted().joined(separator: ", ")))")
            }
        }
        self.init(name: name,
                  kind: kind,
                  tokens: tokens,
                  weights: try Self.sourceMap("weights", in: entry, sources: sources),
                  epochs: try Self.sourceMap("epochs", in: entry, sources: sources),
                  description: try entry.optionalString("description") ?? "",
                  line: entry.location.line)
        self.prompts = prompts
        languageWeights = try Self.languageMap("language_weights", in: entry)
    }

    /// Whether the phase's data is made while it trains (ARIES rounds) rather than packed beforehand.
    public var makesOwnPairs: Bool { kind == .preference && prompts != nil }

    /// A map from declared source names to positive numbers; an unknown name is reported where it
    /// is written, since it is most often a typo or a source renamed without updating the phase.
    private static func sourceMap(_ key: String, in entry: YAMLMapping,
                                  sources: Set<String>) throws(ConfigError) -> [String: Double] {
        var result: [String: Double] = [:]
        for item in try entry.optionalNumberMap(key) ?? [] {
            guard sources.contains(item.name) else {
                var message = "key '\(key)' in \(entry.context) names unknown source '\(item.name)'"
                if let guess = YAMLMapping.closest(to: item.name, among: sources.sorted()) {
                    message += "; did you mean '\(guess)'?"
                }
                message += " (declared sources: \(sources.sorted().joined(separator: ", ")))"
                throw entry.error(at: item.location, message)
            }
            guard item.value > 0 else {
                throw entry.error(at: item.location,
                                  "'\(item.name)' in key '\(key)' of \(entry.context) must be a positive number, got '\(item.text)'")
            }
            result[item.name] = item.value
        }
        return result
    }

    /// Language codes (`en`, `zh-Hans`, `sr-Latn`) or `other` to weights of zero or more, at least one positive;
    /// a mistake is reported where it is written.
    private static func languageMap(_ key: String, in entry: YAMLMapping) throws(ConfigError) -> [String: Double] {
        var result: [String: Double] = [:]
        let items = try entry.optionalNumberMap(key) ?? []
        for item in items {
            let allowed = !item.name.isEmpty && item.name.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) || $0 == "-" || $0 == "_"
            }
            guard allowed else {
                throw entry.error(at: item.location, "'\(item.name)' in key '\(key)' of \(entry.context) is not a language code "
                    + "(letters, digits, '-' or '_', as the language filter writes them: en, zh-Hans) or 'other'")
            }
            guard item.value >= 0, item.value.isFinite else {
                throw entry.error(at: item.location,
                                  "'\(item.name)' in key '\(key)' of \(entry.context) must be a number of 0 or more, got '\(item.text)'")
            }
            result[item.name] = item.value
        }
        if let first = items.first, !result.values.contains(where: { $0 > 0 }) {
            throw entry.error(at: first.location, "key '\(key)' in \(entry.context) gives no language a positive weight")
        }
        return result
    }
}
