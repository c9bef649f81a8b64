import CorpusIO

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
    /// its ids go to a scratch file beside `directory` (`TokenizedStore`), so a phase's text and tokens
    /// are never all in memory at once, only about 32 bytes per document for the mixture's plan.
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

        var warnings: [String] = []
        func note(_ line: String) {
            warnings.append(line)
            warn(line)
        }
        let scratch = (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) + ".tokens.tmp"
        let tokenized = try TokenizedStore(path: scratch)
        var rejectedReasons: [String: Int] = [:]
        var rejected = 0
        var skips: [String] = []
        try reading { batch in
            let wanted = batch.filter { sourceIndex[$0.source] != nil }
            let results = DocumentTokenizer.tokenize(wanted, sources: sourceIndex, kind: mixture.kind, encoder: encoder,
                                                     template: template, endOfText: endOfText, workers: options.workers)
            for result in results {
                switch result {
                case .success(let document): try tokenized.append(document)
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
        let isValidation = (0..<tokenized.count).map { Double(tokenized.contentHash($0) >> 11) / Double(1 << 53) < threshold }

        var available: [[String: Int]] = [[:], [:]]
        for (index, validation) in isValidation.enumerated() {
            available[validation ? 1 : 0][sourceNames[tokenized.source(index)], default: 0] += tokenized.tokenCount(index)
        }
        let trainTargets = try MixturePlanner.trainingTargets(mixture: mixture, available: available[0],
                                                              allowUpsample: options.allowUpsample, warn: note)
        let columns = PackLayout.columns(kind: mixture.kind, packing: options.packing, length: length, tokenType: tokenType)
        var reports: [SplitReport] = []
        for (splitNumber, split) in Self.splits.enumerated() {
            let members = (0..<tokenized.count).filter { isValidation[$0] == (splitNumber == 1) }
            var units: [MixtureUnit] = []
            var realisations: [String: SourceRealisation] = [:]
            for (source, name) in sourceNames.enumerated() {
                let pool = members.filter { tokenized.source($0) == source }
                    .map { (index: $0, tokens: tokenized.tokenCount($0), hash: tokenized.contentHash($0)) }
                let have = pool.reduce(0) { $0 + $1.tokens }
                let trainHave = available[0][name] ?? 0
                var target = trainTargets[name] ?? 0
                if splitNumber == 1 {
                    // Validation follows the training repetition but is never repeated itself.
                    let repetition = trainHave > 0 ? Double(target) / Double(trainHave) : (target > 0 ? 1 : 0)
                    target = Int((Double(have) * min(1, repetition)).rounded())
                }
                let chosen = MixturePlanner.select(documents: pool, target: target, seed: options.seed &+ UInt64(source),
                                                   allowCut: mixture.kind == .pretrain)
                units += chosen
                let repetition = have > 0 ? Double(target) / Double(have) : 0
                realisations[name] = SourceRealisation(
                    documents: pool.count, availableTokens: have, targetTokens: target,
                    selectedTokens: chosen.reduce(0) { $0 + $1.length }, repetition: repetition,
                    action: repetition > 1 + 1e-12 ? "upsampled" : repetition < 1 - 1e-12 ? "subsampled" : "all")
            }
            var random = SeededRandom(seed: options.seed ^ (splitNumber == 0 ? 0x7472_6169_6E00 : 0x7661_6C00))
            random.shuffle(&units)
            reports.append(try write(units: units, documents: tokenized, columns: columns, tokenType: tokenType,
                                     directory: directory + "/" + split, realisations: realisations,
                                     sourceNames: sourceNames, documentCount: members.count, padID: endOfText))
        }
        let report = PhaseReport(
            phase: mixture.name, kind: mixture.kind, seed: options.seed, seqLen: options.seqLen, packing: options.packing,
            tokenizerHash: tokenizerHash, vocabularySize: encoder.vocabularySize, tokenType: tokenType,
            budget: mixture.tokens, validationFraction: options.validationFraction, rejectedDocuments: rejected,
            rejectedReasons: rejectedReasons, warnings: warnings, train: reports[0], validation: reports[1])
        try FileSystem.writeAtomically(try report.encoded(), to: directory + "/" + PhaseReport.fileName)
        return report
    }

    private func write(units: [MixtureUnit], documents: TokenizedStore, columns: [MDSColumn], tokenType: MDSElementType,
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
