import Foundation

/// How the next token is chosen from the model's logits (see `Sampler` for the order the steps run
/// in). Defaults are llama.cpp's (temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repetition
/// penalty over a window of 64), except the seed: a fixed 0, so that a run is reproducible unless a
/// seed is asked for.
///
/// JSON keys are snake_case (`top_k`, `repetition_penalty` ...); every key is optional and an unknown
/// key is an error naming it (a typo such as `top-p` must not fall back silently to the default).
public struct SamplingOptions: Sendable, Equatable, Codable {
    /// Always take the most likely token (ties: the lowest id). Temperature 0 means the same.
    public var greedy: Bool
    /// Divides the logits before the draw: below 1 sharpens, above 1 flattens; 0 is greedy.
    public var temperature: Double
    /// Keep only the k most likely tokens; 0 turns the step off.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches p (at least one); 1 is off.
    public var topP: Double
    /// Drop tokens less likely than minP times the most likely one; 0 is off.
    public var minP: Double
    /// Discourages tokens among the recent ones (CTRL's rule, see `Sampler`); 1 is off.
    public var repetitionPenalty: Double
    /// How many of the most recent tokens the penalty looks at (llama.cpp's `repeat_last_n`); 0 is off.
    public var repetitionWindow: Int
    /// Seeds the draws (`SamplingRandom`): the same seed gives the same draws on every machine.
    public var seed: UInt64

    public init(greedy: Bool = false, temperature: Double = 0.8, topK: Int = 40, topP: Double = 0.95,
                minP: Double = 0.05, repetitionPenalty: Double = 1, repetitionWindow: Int = 64, seed: UInt64 = 0) {
        self.greedy = greedy
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
    }

    /// Greedy decoding (argmax) with no penalty.
    public static let greedy = SamplingOptions(greedy: true)

    /// Whether the token is the argmax rather than a draw.
    public var isGreedy: Bool { greedy || temperature == 0 }

    /// Checks every value; the error names the option, its value and the allowed range.
    public func validate() throws(SamplingOptionsError) {
        func check(_ ok: Bool, _ field: CodingKeys, _ value: CustomStringConvertible, _ rule: String) throws(SamplingOptionsError) {
            if !ok { throw SamplingOptionsError(option: field.rawValue, value: "\(value)", rule: rule) }
        }
        try check(temperature >= 0 && temperature.isFinite, .temperature, temperature, "must be a finite number >= 0")
        try check(topK >= 0, .topK, topK, "must be >= 0 (0 turns top-k off)")
        try check(topP > 0 && topP <= 1, .topP, topP, "must be in (0, 1] (1 turns top-p off)")
        try check(minP >= 0 && minP < 1, .minP, minP, "must be in [0, 1) (0 turns min-p off)")
        try check(repetitionPenalty > 0 && repetitionPenalty.isFinite, .repetitionPenalty, repetitionPenalty,
                  "must be a finite number > 0 (1 turns the penalty off)")
        try check(repetitionWindow >= 0, .repetitionWindow, repetitionWindow, "must be >= 0 (0 turns the penalty off)")
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case greedy, temperature, topK = "top_k", topP = "top_p", minP = "min_p"
        case repetitionPenalty = "repetition_penalty", repetitionWindow = "repetition_window", seed
    }

    public init(from decoder: Decoder) throws {
        let defaults = SamplingOptions()
        let any = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = any.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: any, debugDescription: "unknown sampling option '\(unknown.stringValue)' "
                    + "(known: \(CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        greedy = try c.decodeIfPresent(Bool.self, forKey: .greedy) ?? defaults.greedy
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? defaults.temperature
        topK = try c.decodeIfPresent(Int.self, forKey: .topK) ?? defaults.topK
        topP = try c.decodeIfPresent(Double.self, forKey: .topP) ?? defaults.topP
        minP = try c.decodeIfPresent(Double.self, forKey: .minP) ?? defaults.minP
        repetitionPenalty = try c.decodeIfPresent(Double.self, forKey: .repetitionPenalty) ?? defaults.repetitionPenalty
        repetitionWindow = try c.decodeIfPresent(Int.self, forKey: .repetitionWindow) ?? defaults.repetitionWindow
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
    }
}

/// A sampling option out of its range.
public struct SamplingOptionsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var option: String
    public var value: String
    public var rule: String
    public var description: String { "sampling option '\(option)' = \(value): \(rule)" }
}

extension SamplingOptions {
    /// Any key of a JSON object, to find the ones the strict decoder does not know.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
