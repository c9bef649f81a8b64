import Curation

/// The pipeline's `align:` section: ARIES-style preference rounds for `preference` phases. Each round
/// samples answers to the phase's prompts with the current model, asks it to refine each answer, scores
/// every answer with the phase's rule, pairs the best refined answer against the worst one, and trains
/// the round's share of the phase's steps with DPO against the frozen reference (the checkpoint the
/// phase starts from).
public struct AlignSettings: Sendable, Equatable {
    public var rounds = 2
    /// Prompts drawn (seeded, different each round) from the phase's prompt source per round.
    public var promptsPerRound = 256
    /// Answers sampled per prompt.
    public var samples = 4
    public var temperature = 0.8
    public var maxTokens = 32
    /// Ask for a refinement of each sampled answer (the ARIES self-refinement turn).
    public var refine = true
    public var refinePrompt = Refinement.request
    /// DPO's beta and label smoothing (cDPO's epsilon).
    public var beta = 0.1
    public var labelSmoothing = 0.0
    /// Weight of the per-token NLL of the chosen answers added to DPO (Iterative RPO); 0 is plain DPO.
    public var chosenNLLWeight = 0.0
    /// Pairs per optimizer step.
    public var pairsPerStep = 16
    /// Overrides the schedule's learning rate for the preference phase (DPO wants a small one).
    public var learningRate: Double?
    public var seed: UInt64 = 0
    /// DPO's reference in the rounds: the checkpoint the phase starts from (`start`), or the model each
    /// round starts from (`round`, iterative DPO).
    public enum Reference: String, Sendable, CaseIterable { case start, round }
    public var reference = Reference.start

    public init() {}

    static let yamlKeys = ["rounds", "prompts_per_round", "samples", "temperature", "max_tokens", "refine",
                           "refine_prompt", "beta", "label_smoothing", "nll_weight", "pairs_per_step", "learning_rate", "seed",
                           "reference"]

    init(section: YAMLMapping?) throws(ConfigError) {
        self.init()
        guard let section else { return }
        if let value = try section.optionalInt("rounds", atLeast: 1) { rounds = value }
        if let value = try section.optionalInt("prompts_per_round", atLeast: 1) { promptsPerRound = value }
        if let value = try section.optionalInt("samples", atLeast: 2) { samples = value }
        if let value = try section.optionalDouble("temperature") {
            guard value > 0 else { throw section.invalid("temperature", mustBe: "a positive number (sampling needs spread)") }
            temperature = value
        }
        if let value = try section.optionalInt("max_tokens", atLeast: 1) { maxTokens = value }
        if let value = try section.optionalBool("refine") { refine = value }
        if let value = try section.optionalString("refine_prompt") {
            guard !value.isEmpty else { throw section.invalid("refine_prompt", mustBe: "a non-empty string") }
            refinePrompt = value
        }
        if let value = try section.optionalDouble("beta") {
            guard value > 0 else { throw section.invalid("beta", mustBe: "a positive number") }
            beta = value
        }
        if let value = try section.optionalDouble("label_smoothing") {
            guard value >= 0, value < 0.5 else { throw section.invalid("label_smoothing", mustBe: "a number in [0, 0.5)") }
            labelSmoothing = value
        }
        if let value = try section.optionalDouble("nll_weight") {
            guard value >= 0 else { throw section.invalid("nll_weight", mustBe: "a number at least 0") }
            chosenNLLWeight = value
        }
        if let value = try section.optionalInt("pairs_per_step", atLeast: 1) { pairsPerStep = value }
        if let value = try section.optionalDouble("learning_rate") {
            guard value > 0 else { throw section.invalid("learning_rate", mustBe: "a positive number") }
            learningRate = value
        }
        if let value = try section.optionalInt("seed", atLeast: 0) { seed = UInt64(value) }
        if let value = try section.optionalChoice("reference", as: Reference.self) { reference = value }
    }
}

extension PipelineConfig {
    /// The typed `align:` section (defaults when absent).
    public func alignSettings() throws(ConfigError) -> AlignSettings {
        let section = try reserved["align"].map { node throws(ConfigError) in
            try YAMLMapping(node, file: path, context: "section 'align'", allowed: AlignSettings.yamlKeys)
        }
        var aligned = try AlignSettings(section: section)
        if let rounds = settings["align.rounds"].flatMap(Int.init) { aligned.rounds = rounds }
        return aligned
    }

    /// `plm align --rounds R`: as if the file said `align: {rounds: R}` (the phase's fingerprint changes
    /// with it, so a different count retrains the phase).
    public mutating func overrideAlignRounds(_ rounds: Int) throws(ConfigError) {
        guard rounds >= 1 else { throw ConfigError(file: path, location: nil, message: "--rounds must be at least 1") }
        settings["align.rounds"] = String(rounds)
    }
}
