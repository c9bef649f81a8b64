/// What the mixture did with one source in one split.
public struct SourceRealisation: Sendable, Codable, Equatable {
    public var documents: Int
    /// Tokens the source has in this split.
    public var availableTokens: Int
    public var targetTokens: Int
    /// Tokens selected (before sequences are cut; see the split report for what packing dropped).
    public var selectedTokens: Int
    /// targetTokens / availableTokens: above 1 the source is repeated, below 1 subsampled.
    public var repetition: Double
    /// `all`, `upsampled` or `subsampled`.
    public var action: String
    /// With language weights, a source whose documents carry languages: the same figures per language
    /// (`other`: languages not listed and documents without one). nil otherwise.
    public var languages: [String: SourceRealisation]? = nil
    /// In `languages`: the language's weight.
    public var weight: Double? = nil

    enum CodingKeys: String, CodingKey {
        case documents, repetition, action, languages, weight
        case availableTokens = "available_tokens", targetTokens = "target_tokens", selectedTokens = "selected_tokens"
    }
}

/// A piece of a document chosen for packing: the first `length` tokens of `document` (the whole
/// document except for the one cut that makes a share exact).
struct MixtureUnit: Sendable, Equatable {
    var document: StoredDocument
    var length: Int

    func encode(into bytes: inout [UInt8]) {
        document.encode(into: &bytes)
        bytes.appendLittleEndian(Int64(length))
    }

    init(document: StoredDocument, length: Int) {
        self.document = document
        self.length = length
    }

    init(decoding bytes: UnsafeRawBufferPointer) {
        document = StoredDocument(decoding: bytes)
        length = Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: StoredDocument.encodedSize, as: Int64.self)))
    }
}

/// Chooses one source's pieces as its documents arrive in a seeded order: whole passes over every
/// document, then documents in that order until the target is reached; with `allowCut` the last one
/// is cut so the total is exact, otherwise documents that would overshoot are skipped. Holds three
/// numbers, so a source of any size is selected in a single streaming pass.
struct SourceSelection {
    private let passes: Int
    private var remaining: Int
    private let allowCut: Bool
    private(set) var selectedTokens = 0

    init(available: Int, target: Int, allowCut: Bool) {
        self.allowCut = allowCut
        guard available > 0, target > 0 else {
            passes = 0
            remaining = 0
            return
        }
        passes = target / available
        remaining = target - passes * available
    }

    mutating func take(_ document: StoredDocument, emit: (MixtureUnit) throws -> Void) rethrows {
        let tokens = document.tokenCount
        for _ in 0..<passes {
            try emit(MixtureUnit(document: document, length: tokens))
            selectedTokens += tokens
        }
        guard remaining > 0 else { return }
        if tokens <= remaining {
            try emit(MixtureUnit(document: document, length: tokens))
            remaining -= tokens
            selectedTokens += tokens
        } else if allowCut {
            try emit(MixtureUnit(document: document, length: remaining))
            selectedTokens += remaining
            remaining = 0
        }
    }
}

/// Turns a phase's weights and budget into token targets per source.
enum MixturePlanner {
    /// Target tokens per source for the training split, from the budget and weights or from the
    /// epoch counts. Throws on the manifest mistakes packing cannot fix.
    static func trainingTargets(mixture: PhaseMixture, available: [String: Int], allowUpsample: Bool,
                                warn: (String) -> Void) throws(ShardError) -> [String: Int] {
        let where_ = "phase '\(mixture.name)'"
        var targets: [String: Int] = [:]
        if let budget = mixture.tokens {
            let total = mixture.weights.values.reduce(0, +)
            guard total > 0, total.isFinite else {
                throw ShardError(file: where_, message: "has a token budget but its weights do not sum to a positive number")
            }
            for source in mixture.weights.keys.sorted() {
                let target = Int((Double(budget) * mixture.weights[source]! / total).rounded())
                let have = available[source] ?? 0
                if target > 0 && have == 0 {
                    throw ShardError(file: where_, message: "source '\(source)' has no tokens to draw \(target) from")
                }
                let repetition = have > 0 ? Double(target) / Double(have) : 0
                if repetition > 1 {
                    if let cap = mixture.epochs[source], repetition > cap + 1e-9 {
                        throw ShardError(file: where_, message: "source '\(source)' would be repeated "
                            + "\(format(repetition)) times to reach its share, more than its epochs (\(format(cap)))")
                    }
                    guard allowUpsample else {
                        throw ShardError(file: where_, message: "the budget needs \(target) tokens of '\(source)', which has "
                            + "\(have); allow upsampling (pack.allow_upsample) or lower the budget")
                    }
                    warn("\(where_): source '\(source)' is upsampled \(format(repetition))x (\(target) tokens from \(have))")
                }
                targets[source] = target
            }
        } else {
            for source in mixture.sources {
                let times = mixture.epochs[source] ?? 1
                targets[source] = Int((Double(available[source] ?? 0) * times).rounded())
            }
        }
        return targets
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return String(rounded)
    }
}
