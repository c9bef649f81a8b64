import Foundation

/// One split's part of `phase.json`.
public struct SplitReport: Sendable, Codable, Equatable {
    public var documents: Int
    /// What the mixture did per source.
    public var sources: [String: SourceRealisation]
    public var packing: PackingCounts
    /// Tokens written per source, and their share of all real tokens.
    public var tokensBySource: [String: Int]
    public var shareBySource: [String: Double]
    public var targetShareBySource: [String: Double]
    /// With language weights: tokens selected per language over all sources (before sequences are cut),
    /// their share, and the share the weights aimed at. `other` holds the languages not listed, `none` the
    /// sources whose documents carry no language. nil without language weights.
    public var selectedTokensByLanguage: [String: Int]? = nil
    public var shareByLanguage: [String: Double]? = nil
    public var targetShareByLanguage: [String: Double]? = nil

    enum CodingKeys: String, CodingKey {
        case documents, sources, packing
        case tokensBySource = "tokens_by_source", shareBySource = "share_by_source"
        case targetShareBySource = "target_share_by_source"
        case selectedTokensByLanguage = "selected_tokens_by_language", shareByLanguage = "share_by_language"
        case targetShareByLanguage = "target_share_by_language"
    }

    /// Fills the per-language fields from the targets and selected tokens of every pool.
    mutating func addLanguageShares(pools: LanguagePools, slots: Int, targets: [Int], selected: [Int]) {
        var selectedBy: [String: Int] = [:], targetBy: [String: Int] = [:]
        for pool in targets.indices {
            let name = pools.name(ofSlot: pool % slots)
            selectedBy[name, default: 0] += selected[pool]
            targetBy[name, default: 0] += targets[pool]
        }
        // Only languages some source has (or aims at) are listed.
        for name in selectedBy.keys where selectedBy[name] == 0 && targetBy[name] == 0 {
            selectedBy[name] = nil
            targetBy[name] = nil
        }
        let selectedTotal = selectedBy.values.reduce(0, +), targetTotal = targetBy.values.reduce(0, +)
        selectedTokensByLanguage = selectedBy
        shareByLanguage = selectedBy.mapValues { selectedTotal > 0 ? Double($0) / Double(selectedTotal) : 0 }
        targetShareByLanguage = targetBy.mapValues { targetTotal > 0 ? Double($0) / Double(targetTotal) : 0 }
    }
}

/// `<root>/<phase>/phase.json`: the mixture realised, counts per source, tokenizer and seed, so a
/// trainer (or a person) can tell exactly what the shards hold.
public struct PhaseReport: Sendable, Codable, Equatable {
    public var phase: String
    public var kind: PackKind
    public var seed: UInt64
    public var seqLen: Int
    public var packing: PackingMode
    public var tokenizerHash: String
    public var vocabularySize: Int
    public var tokenType: MDSElementType
    public var budget: Int?
    public var validationFraction: Double
    public var rejectedDocuments: Int
    public var rejectedReasons: [String: Int]
    public var warnings: [String]
    public var train: SplitReport
    public var validation: SplitReport

    enum CodingKeys: String, CodingKey {
        case phase, kind, seed, packing, budget, warnings, train
        case validation = "val"
        case seqLen = "seq_len", tokenizerHash = "tokenizer_hash", vocabularySize = "vocab_size"
        case tokenType = "token_type", validationFraction = "val_fraction"
        case rejectedDocuments = "rejected_documents", rejectedReasons = "rejected_reasons"
    }

    public static let fileName = "phase.json"

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    public static func load(directory: String) throws -> PhaseReport {
        let bytes = try FileInputBridge.readAll(directory + "/" + fileName)
        return try JSONDecoder().decode(PhaseReport.self, from: Data(bytes))
    }
}
