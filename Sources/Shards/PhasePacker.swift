import CorpusIO
import Foundation

/// Packs one phase: split by content hash, tokenize on all cores, realise the mixture, shuffle,
/// cut into samples and write `<directory>/{train,val}/` (MDS, optionally Megatron) and
/// `<directory>/phase.json`. Same inputs, encoder and seed give byte-identical output.
public struct PhasePacker {
    public let mixture: PhaseMixture
    public let options: PackOptions
    public let encoder: any TextEncoder
    /// Identifies the tokenizer in `phase.json` (e.g. a hash of tokenizer.json).
    public let tokenizerHash: String
    /// Forces the token column type; nil picks uint16 when the vocabulary fits, else int32.
    public let tokenType: MDSElementType?

    public init(mixture: PhaseMixture, options: PackOptions, encoder: any TextEncoder, tokenizerHash: String,
                tokenType: MDSElementType? = nil) {
        self.mixture = mixture
        self.options = options
        self.encoder = encoder
        self.tokenizerHash = tokenizerHash
        self.tokenType = tokenType
    }

    public static let splits = ["train", "val"]

    /// The column type for this tokenizer, refusing a forced type its ids do not fit.
    func resolvedTokenType() throws(ShardError) -> MDSElementType {
        let needed: MDSElementType = encoder.vocabularySize <= 1 << 16 ? .uint16 : .int32
        guard let forced = tokenType else { return needed }
        guard Int64(encoder.vocabularySize - 1) <= forced.maxValue, forced != .uint8 else {
            throw ShardError(file: "phase '\(mixture.name)'", message: "the tokenizer's \(encoder.vocabularySize) ids "
                + "do not fit a \(forced.rawValue) token column")
        }
        return forced
    }

    @discardableResult
    public func pack(_ documents: [PackDocument], into directory: String,
                     warn: (String) -> Void = { _ in }) throws -> PhaseReport {
        try pack(reading: { consume in try consume(documents) }, into: directory, warn: warn)
    }

    /// Packs the documents `reading` hands over, batch by batch: each batch is tokenized on all cores and
    /// its ids go to scratch files beside `directory` (`TokenizedStore`); the mixture is chosen and
    /// shuffled by sorts on disk (`plan`). So a task's memory is a batch of text, the sorts' buffers
    /// and the shards in flight, whatever the number of documents in the phase.
    @discardableResult
    public func pack(reading: (_ consume: ([PackDocument]) throws -> Void) throws -> Void, into directory: String,
                     warn: (String) -> Void = { _ in }) throws -> PhaseReport {
        let length = options.sampleLength
        guard options.seqLen >= 1 else { throw ShardError(file: "phase '\(mixture.name)'", message: "seq_len must be positive") }
        let tokenType = try resolvedTokenType()
        guard let endOfText = encoder.specialTokenID(ChatTemplate.endOfText) else {
            throw ShardError(file: "tokenizer", message: "has no \(ChatTemplate.endOfText) token to end documents with")
        }
        let template = mixture.kind == .pretrain ? nil : try ChatTemplate(encoder: encoder)
        let sourceNames = mixture.sources
        // With a budget, empty weights are reported by the mixture (its weights do not sum to anything).
        guard !sourceNames.isEmpty || mixture.tokens != nil else {
            throw ShardError(file: "phase '\(mixture.name)'", message: "names no sources (give it weights or epochs)")
        }
        let sourceIndex = Dictionary(uniqueKeysWithValues: sourceNames.enumerated().map { ($1, $0) })
        let pools = LanguagePools(mixture.languageWeights)

        var warnings: [String] = []
        func note(_ line: String) {
            warnings.append(line)
            warn(line)
        }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let tokenized = try TokenizedStore(path: base + ".tokens.tmp")
        var rejectedReasons: [String: Int] = [:]
        var rejected = 0
        var skips: [String] = []
        try reading { batch in
            let wanted = batch.filter { sourceIndex[$0.source] != nil }
            let results = DocumentTokenizer.tokenize(wanted, sources: sourceIndex, kind: mixture.kind, encoder: encoder,
                                                     template: template, endOfText: endOfText, workers: options.workers)
            for (index, result) in results.enumerated() {
                switch result {
                case .success(let document): try tokenized.append(document, language: pools.slot(of: wanted[index].language))
                case .failure(let problem):
                    rejected += 1
                    let reason = problem.reason.replacingDigits()
                    if rejectedReasons[reason, default: 0] < 3 { skips.append("skipped \(problem.id): \(problem.reason)") }
                    rejectedReasons[reason, default: 0] += 1
                }
            }
        }
        try tokenized.flush()
        for line in skips { note(line) }

        // The split depends on content only, never on the seed, so reseeding cannot leak documents.
        let threshold = options.validationFraction
        func splitNumber(_ document: StoredDocument) -> Int {
            Double(document.contentHash >> 11) / Double(1 << 53) < threshold ? 1 : 0
        }
        // Tokens and documents per split and slot of each source (one slot without language weights).
        let slots = pools.slotCount
        var bySlot: [[Int]] = Array(repeating: Array(repeating: 0, count: sourceNames.count * slots), count: 2)
        var documentsBySlot = bySlot
        var hasLanguages = [Bool](repeating: false, count: sourceNames.count)
        try tokenized.forEach { _, document in
            let slot = Int(document.source) * slots + Int(document.language)
            bySlot[splitNumber(document)][slot] += document.tokenCount
            documentsBySlot[splitNumber(document)][slot] += 1
            if document.language != 0 { hasLanguages[Int(document.source)] = true }
        }
        // A source's documents without a language join its `other` pool once any of them has one.
        func pooled(_ counts: [Int]) -> [Int] {
            var result = counts
            for source in sourceNames.indices where hasLanguages[source] && slots > 1 {
                result[source * slots + 1] += result[source * slots]
                result[source * slots] = 0
            }
            return result
        }
        let available = bySlot.map(pooled), poolSizes = documentsBySlot.map(pooled)
        func sourceTotal(_ counts: [Int], _ source: Int) -> Int { counts[source * slots..<(source + 1) * slots].reduce(0, +) }
        let trainAvailable = Dictionary(uniqueKeysWithValues: sourceNames.enumerated().map { ($1, sourceTotal(available[0], $0)) })
        let trainSourceTargets = try MixturePlanner.trainingTargets(mixture: mixture, available: trainAvailable,
                                                                    allowUpsample: options.allowUpsample, warn: note)
        let trainTargets = try MixturePlanner.poolTargets(
            mixture: mixture, pools: pools, sourceNames: sourceNames, sourceTargets: trainSourceTargets,
            available: available[0], hasLanguages: hasLanguages, allowUpsample: options.allowUpsample, warn: note)
        func pool(_ document: StoredDocument) -> Int {
            pools.pool(source: Int(document.source), slot: document.language, sourceHasLanguages: hasLanguages[Int(document.source)])
        }
        let columns = PackLayout.columns(kind: mixture.kind, packing: options.packing, length: length, tokenType: tokenType)
        let sortFolder = base + ".sort.tmp"
        defer { try? FileManager.default.removeItem(atPath: sortFolder) }
        var reports: [SplitReport] = []
        for (split, name) in Self.splits.enumerated() {
            var targets: [Int] = []
            for (pool, target) in trainTargets.enumerated() {
                if split == 0 {
                    targets.append(target)
                } else {
                    // Validation follows the training repetition but is never repeated itself.
                    let trainHave = available[0][pool]
                    let repetition = trainHave > 0 ? Double(target) / Double(trainHave) : (target > 0 ? 1 : 0)
                    targets.append(Int((Double(available[1][pool]) * min(1, repetition)).rounded()))
                }
            }
            let plan = try plan(split: split, of: splitNumber, pool: pool, targets: targets, available: available[split],
                                documents: tokenized, sortFolder: sortFolder)
            var realisations: [String: SourceRealisation] = [:]
            for (source, sourceName) in sourceNames.enumerated() {
                let range = source * slots..<(source + 1) * slots
                func realisation(_ pools: Range<Int>) -> SourceRealisation {
                    let have = available[split][pools].reduce(0, +), target = targets[pools].reduce(0, +)
                    let repetition = have > 0 ? Double(target) / Double(have) : 0
                    return SourceRealisation(
                        documents: poolSizes[split][pools].reduce(0, +), availableTokens: have, targetTokens: target,
                        selectedTokens: plan.selectedTokens[pools].reduce(0, +), repetition: repetition,
                        action: repetition > 1 + 1e-12 ? "upsampled" : repetition < 1 - 1e-12 ? "subsampled" : "all")
                }
                var whole = realisation(range)
                if hasLanguages[source] {
                    whole.languages = [:]
                    for slot in 1..<slots {
                        var part = realisation(range.lowerBound + slot..<range.lowerBound + slot + 1)
                        part.weight = pools.weights[slot]
                        whole.languages![pools.name(ofSlot: slot)] = part
                    }
                }
                realisations[sourceName] = whole
            }
            var report = try write(plan: plan.units, documents: tokenized, columns: columns, tokenType: tokenType,
                                   directory: directory + "/" + name, realisations: realisations,
                                   sourceNames: sourceNames, documentCount: poolSizes[split].reduce(0, +),
                                   padID: endOfText)
            if pools.isWeighted {
                report.addLanguageShares(pools: pools, targets: targets, written: report.packing.tokensByPool,
                                         hasLanguages: hasLanguages)
            }
            reports.append(report)
        }
        let report = PhaseReport(
            phase: mixture.name, kind: mixture.kind, seed: options.seed, seqLen: options.seqLen, packing: options.packing,
            tokenizerHash: tokenizerHash, vocabularySize: encoder.vocabularySize, tokenType: tokenType,
            budget: mixture.tokens, validationFraction: options.validationFraction, rejectedDocuments: rejected,
            rejectedReasons: rejectedReasons, warnings: warnings, train: reports[0], validation: reports[1])
        try FileSystem.writeAtomically(try report.encoded(), to: directory + "/" + PhaseReport.fileName)
        return report
    }

    /// One split's pieces, chosen and shuffled on disk: every document of the split goes through a sort
    /// by (pool, seeded rank), each pool's `SourceSelection` takes its pieces in that order, and the
    /// pieces go through a second sort by a seeded key, which is the order samples are cut in. Memory is
    /// the two sorts' buffers (`options.planBufferBytes`), whatever the number of documents.
    /// Pools are sources when no language is weighted (`LanguagePools`), which keeps those phases' output as it was.
    private func plan(split: Int, of splitNumber: (StoredDocument) -> Int, pool: (StoredDocument) -> Int,
                      targets: [Int], available: [Int],
                      documents: TokenizedStore, sortFolder: String) throws -> (units: ExternalSorter, selectedTokens: [Int]) {
        let half = options.planBufferBytes / 2
        let candidates = try ExternalSorter(folder: sortFolder + "/candidates", bufferBytes: half)
        var record: [UInt8] = []
        try documents.forEach { index, document in
            guard splitNumber(document) == split else { return }
            let source = UInt64(document.source)
            let rank = SeededRandom.mix(document.contentHash ^ (options.seed &+ source))
            record.removeAll(keepingCapacity: true)
            document.encode(into: &record)
            try candidates.append(key: ExternalSorter.key(UInt64(pool(document)), rank, UInt64(index)), payload: record)
        }
        let allowCut = mixture.kind == .pretrain
        var selections = targets.indices.map { SourceSelection(available: available[$0], target: targets[$0], allowCut: allowCut) }
        let shuffled = try ExternalSorter(folder: sortFolder + "/units-\(split)", bufferBytes: half)
        let shuffleSeed = options.seed ^ (split == 0 ? 0x7472_6169_6E00 : 0x7661_6C00)
        var serial: UInt64 = 0
        try candidates.finish { key, payload in
            let pool = Int(ExternalSorter.word(key, 0))
            try selections[pool].take(StoredDocument(decoding: payload)) { unit in
                record.removeAll(keepingCapacity: true)
                unit.encode(into: &record)
                // mix is a bijection, so every piece's key is distinct and the order is a seeded permutation.
                try shuffled.append(key: ExternalSorter.key(SeededRandom.mix(shuffleSeed ^ serial)), payload: record)
                serial += 1
            }
        }
        return (shuffled, selections.map(\.selectedTokens))
    }

    private func write(plan: ExternalSorter, documents: TokenizedStore, columns: [MDSColumn], tokenType: MDSElementType,
                       directory: String, realisations: [String: SourceRealisation], sourceNames: [String],
                       documentCount: Int, padID: Int32) throws -> SplitReport {
        let writer = try MDSWriter(directory: directory, columns: columns, options: MDSWriterOptions(
            compressionLevel: options.compressionLevel, sizeLimit: options.shardSizeLimit,
            compressionWorkers: options.workers))
        let megatron = options.megatron && mixture.kind != .preference
            ? try MegatronWriter(prefix: directory + "/megatron/tokens", element: tokenType) : nil
        let tokensColumn = writer.columns.firstIndex { $0.name == ShardColumns.tokens }
        let emit = { (values: [[Int32]]) throws in
            try writer.write(values)
            if let megatron, let tokensColumn { try megatron.write(values[tokensColumn]) }
        }
        let packer = SequencePacker(length: options.sampleLength, padID: padID, seed: options.seed)
        let units = UnitStream(sorted: plan)
        let counts: PackingCounts
        switch (mixture.kind, options.packing) {
        case (.pretrain, .concat): counts = try packer.concat(units, documents: documents, emit: emit)
        case (.pretrain, .bestFit): counts = try packer.bestFit(units, documents: documents, truncate: false, emit: emit)
        case (.sft, _): counts = try packer.bestFit(units, documents: documents, truncate: true, emit: emit)
        case (.preference, _): counts = try packer.pairs(units, documents: documents, emit: emit)
        }
        try writer.finish()
        try megatron?.finish()
        var tokensBySource: [String: Int] = [:]
        var shares: [String: Double] = [:]
        var targetShares: [String: Double] = [:]
        let targetTotal = realisations.values.reduce(0) { $0 + $1.targetTokens }
        for (index, name) in sourceNames.enumerated() {
            tokensBySource[name] = counts.tokensBySource[index] ?? 0
            shares[name] = counts.tokens > 0 ? Double(counts.tokensBySource[index] ?? 0) / Double(counts.tokens) : 0
            targetShares[name] = targetTotal > 0 ? Double(realisations[name]?.targetTokens ?? 0) / Double(targetTotal) : 0
        }
        return SplitReport(documents: documentCount, sources: realisations, packing: counts, tokensBySource: tokensBySource,
                           shareBySource: shares, targetShareBySource: targetShares)
    }
}

extension String {
    /// The reason with numbers blanked, so counts group alike reasons ("message 3 ..." and "message 5 ...").
    func replacingDigits() -> String { String(map { $0.isNumber ? "#" : $0 }) }
}
