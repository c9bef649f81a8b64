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
    /// With language weights: tokens written per language over all sources, their share of the real tokens,
    /// and the share the weights aimed at. `other` holds the languages not listed and, in a source with
    /// languages, documents without one; `none` the sources whose documents carry no language. nil without
    /// language weights.
    public var tokensByLanguage: [String: Int]? = nil
    public var shareByLanguage: [String: Double]? = nil
    public var targetShareByLanguage: [String: Double]? = nil

    enum CodingKeys: String, CodingKey {
        case documents, sources, packing
        case tokensBySource = "tokens_by_source", shareBySource = "share_by_source"
        case targetShareBySource = "target_share_by_source"
        case tokensByLanguage = "tokens_by_language", shareByLanguage = "share_by_language"
        case targetShareByLanguage = "target_share_by_language"
    }

    /// Fills the per-language fields from the targets of every pool (`LanguagePools.pool`) and the tokens
    /// written per source and slot (`PackingCounts.tokensByPool`).
    mutating func addLanguageShares(pools: LanguagePools, targets: [Int], written: [Int: Int], hasLanguages: [Bool]) {
        func name(source: Int, slot: Int) -> String {
            pools.name(ofSlot: hasLanguages[source] && slot == 0 ? 1 : slot)
        }
        var writtenBy: [String: Int] = [:], targetBy: [String: Int] = [:]
        for (pool, target) in targets.enumerated() where target > 0 {
            targetBy[name(source: pool / pools.slotCount, slot: pool % pools.slotCount), default: 0] += target
        }
        for (key, count) in written {
            writtenBy[name(source: key >> 16, slot: key & 0xFFFF), default: 0] += count
        }
        // Every language aimed at or written is in both maps; one of weight 0 that nothing wrote is in neither.
        for name in Set(writtenBy.keys).union(targetBy.keys) {
            writtenBy[name, default: 0] += 0
            targetBy[name, default: 0] += 0
        }
        let writtenTotal = writtenBy.values.reduce(0, +), targetTotal = targetBy.values.reduce(0, +)
        tokensByLanguage = writtenBy
        shareByLanguage = writtenBy.mapValues { writtenTotal > 0 ? Double($0) / Double(writtenTotal) : 0 }
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
