/// A phase's language weights as pools within each source, so that a source's token target is shared among
/// its languages in proportion to weight x available tokens (a language of weight 0 is left out).
///
/// Every document gets a slot: 0 when it carries no language, 1 for a language the weights do not list
/// (`other`), 2 + i for the i-th listed language (sorted). A source none of whose documents carries a
/// language (one the language filter did not read: code, chat) is one pool drawn as without weights; in a
/// source with languages, a document without one joins `other`. The pool of a document is
/// `source * slotCount + slot`: without weights there is one slot, pools are sources and packing is
/// exactly what it was.
struct LanguagePools {
    static let otherName = "other"
    /// How reports name the pool of a source without languages.
    static let noneName = "none"

    /// Listed languages, sorted; slot 2 + i is `languages[i]`.
    let languages: [String]
    /// Weight per slot (slot 0 is never weighted: it is either the whole source or merged into `other`).
    let weights: [Double]
    private let slots: [String: UInt16]

    init(_ weights: [String: Double]) {
        languages = weights.keys.filter { $0 != Self.otherName }.sorted()
        self.weights = weights.isEmpty ? [1] : [0, weights[Self.otherName] ?? 0] + languages.map { weights[$0]! }
        slots = Dictionary(uniqueKeysWithValues: languages.enumerated().map { ($1, UInt16($0 + 2)) })
    }

    var slotCount: Int { weights.count }
    var isWeighted: Bool { slotCount > 1 }

    func slot(of language: String?) -> UInt16 {
        guard isWeighted, let language else { return 0 }
        return slots[language] ?? 1
    }

    func name(ofSlot slot: Int) -> String {
        slot == 0 ? Self.noneName : slot == 1 ? Self.otherName : languages[slot - 2]
    }

    /// The pool a document is drawn from.
    func pool(source: Int, slot: UInt16, sourceHasLanguages: Bool) -> Int {
        source * slotCount + (sourceHasLanguages && slot == 0 ? 1 : Int(slot))
    }

    /// A source's target shared among its slots in proportion to weight x available tokens (`available`: per
    /// slot). The shares sum to the target exactly (cumulative rounding, the last weighted slot taking what
    /// is left). nil when the target is positive but no weighted language has tokens.
    func split(target: Int, available: ArraySlice<Int>, sourceHasLanguages: Bool) -> [Int]? {
        var shares = [Int](repeating: 0, count: slotCount)
        guard sourceHasLanguages else {
            shares[0] = target
            return shares
        }
        let base = available.startIndex
        let mass = (0..<slotCount).map { weights[$0] * Double(available[base + $0]) }
        let total = mass.reduce(0, +)
        guard total > 0 else { return target == 0 ? shares : nil }
        let last = mass.lastIndex { $0 > 0 }!
        var cumulative = 0.0, given = 0
        for slot in 0..<slotCount where mass[slot] > 0 {
            cumulative += mass[slot]
            let upTo = slot == last ? target : min(target, Int((Double(target) * cumulative / total).rounded()))
            shares[slot] = upTo - given
            given = upTo
        }
        return shares
    }
}

extension MixturePlanner {
    /// Training targets per pool (`LanguagePools.pool`) from the sources' targets. A language drawn more
    /// often than its source (because others weigh less) is upsampled: warned, and refused as a source
    /// would be (beyond its source's epochs with a budget, or without `allow_upsample`).
    static func poolTargets(mixture: PhaseMixture, pools: LanguagePools, sourceNames: [String],
                            sourceTargets: [String: Int], available: [Int], hasLanguages: [Bool],
                            allowUpsample: Bool, warn: (String) -> Void) throws(ShardError) -> [Int] {
        let where_ = "phase '\(mixture.name)'"
        var targets: [Int] = []
        for (source, name) in sourceNames.enumerated() {
            let range = source * pools.slotCount..<(source + 1) * pools.slotCount
            let target = sourceTargets[name] ?? 0
            guard let shares = pools.split(target: target, available: available[range],
                                           sourceHasLanguages: hasLanguages[source]) else {
                throw ShardError(file: where_, message: "source '\(name)' has no tokens in a language with a positive "
                    + "weight to draw \(target) from (language_weights)")
            }
            if hasLanguages[source] {
                let have = available[range].reduce(0, +)
                let sourceRepetition = have > 0 ? Double(target) / Double(have) : 0
                for (slot, share) in shares.enumerated() where share > 0 {
                    let repetition = Double(share) / Double(available[range.lowerBound + slot])
                    guard repetition > 1 + 1e-9, repetition > sourceRepetition + 1e-9 else { continue }
                    let what = "language '\(pools.name(ofSlot: slot))' of source '\(name)'"
                    if mixture.tokens != nil, let cap = mixture.epochs[name], repetition > cap + 1e-9 {
                        throw ShardError(file: where_, message: "\(what) would be repeated \(format(repetition)) times "
                            + "to reach its share, more than the source's epochs (\(format(cap)))")
                    }
                    guard allowUpsample else {
                        throw ShardError(file: where_, message: "\(what) needs \(share) tokens and has "
                            + "\(available[range.lowerBound + slot]); allow upsampling (pack.allow_upsample) or change "
                            + "its weight")
                    }
                    warn("\(where_): \(what) is upsampled \(format(repetition))x (\(share) tokens from "
                        + "\(available[range.lowerBound + slot]))")
                }
            }
            targets += shares
        }
        return targets
    }
}
