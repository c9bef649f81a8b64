import CorpusIO

/// Counters of one split's packing, written to `phase.json`.
public struct PackingCounts: Sendable, Codable, Equatable {
    public var samples = 0
    /// Real tokens in samples (not padding).
    public var tokens = 0
    public var paddingTokens = 0
    /// Tokens after the last full sequence, dropped (concat packing).
    public var droppedTailTokens = 0
    /// Documents longer than a sequence, split into sequence-sized pieces (best-fit packing).
    public var splitDocuments = 0
    /// Conversations or pairs longer than a sequence, cut to its length (their end is lost).
    public var truncatedDocuments = 0
    public var truncatedTokens = 0
    /// Preference pairs whose prompt leaves no answer token inside the sequence: nothing to compare, dropped.
    public var longPromptPairs = 0
    /// Tokens written per source index.
    var tokensBySource: [Int: Int] = [:]
    /// Tokens written per source and language slot (`poolKey`), for a phase's language shares.
    var tokensByPool: [Int: Int] = [:]

    /// A document's source and language slot (`LanguagePools`) as one key.
    static func poolKey(_ document: StoredDocument) -> Int { Int(document.source) << 16 | Int(document.language) }

    enum CodingKeys: String, CodingKey {
        case samples, tokens
        case paddingTokens = "padding_tokens", droppedTailTokens = "dropped_tail_tokens"
        case splitDocuments = "split_documents", truncatedDocuments = "truncated_documents"
        case truncatedTokens = "truncated_tokens", longPromptPairs = "long_prompt_pairs"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        samples = try container.decode(Int.self, forKey: .samples)
        tokens = try container.decode(Int.self, forKey: .tokens)
        paddingTokens = try container.decode(Int.self, forKey: .paddingTokens)
        droppedTailTokens = try container.decode(Int.self, forKey: .droppedTailTokens)
        splitDocuments = try container.decode(Int.self, forKey: .splitDocuments)
        truncatedDocuments = try container.decode(Int.self, forKey: .truncatedDocuments)
        truncatedTokens = try container.decode(Int.self, forKey: .truncatedTokens)
        // phase.json files written before the counter existed.
        longPromptPairs = try container.decodeIfPresent(Int.self, forKey: .longPromptPairs) ?? 0
    }

    public var paddingRate: Double { tokens + paddingTokens > 0 ? Double(paddingTokens) / Double(tokens + paddingTokens) : 0 }
}

/// The columns a phase's shards hold, by kind and packing mode.
enum PackLayout {
    static func columns(kind: PackKind, packing: PackingMode, length: Int, tokenType: MDSElementType) -> [MDSColumn] {
        let boundaries = MDSColumn(name: ShardColumns.boundaries, element: .int32, count: nil)
        let tokens = MDSColumn(name: ShardColumns.tokens, element: tokenType, count: length)
        let mask = MDSColumn(name: ShardColumns.lossMask, element: .uint8, count: length)
        switch kind {
        case .pretrain: return packing == .concat ? [boundaries, tokens] : [boundaries, mask, tokens]
        case .sft: return [boundaries, mask, tokens]
        case .preference:
            return [MDSColumn(name: ShardColumns.chosen, element: tokenType, count: length),
                    MDSColumn(name: ShardColumns.chosenLossMask, element: .uint8, count: length),
                    MDSColumn(name: ShardColumns.rejected, element: tokenType, count: length),
                    MDSColumn(name: ShardColumns.rejectedLossMask, element: .uint8, count: length)]
        }
    }
}

/// The chosen pieces of a split in their shuffled order (the plan's sort), read once.
struct UnitStream {
    let sorted: ExternalSorter

    func forEach(_ visit: (MixtureUnit) throws -> Void) throws {
        try sorted.finish { _, payload in try visit(MixtureUnit(decoding: payload)) }
    }
}

/// Cuts the chosen pieces (already in their shuffled order) into samples of `length` tokens.
/// Samples are handed to `emit` as values per column in name order (see `PackLayout`).
struct SequencePacker {
    let length: Int
    let padID: Int32
    let seed: UInt64

    /// Concatenation: every piece followed by the next, cut every `length` tokens; columns
    /// boundaries, tokens.
    func concat(_ units: UnitStream, documents: TokenizedStore,
                emit: ([[Int32]]) throws -> Void) throws -> PackingCounts {
        var counts = PackingCounts()
        var sequence: [Int32] = []
        sequence.reserveCapacity(length)
        var boundaries: [Int32] = [0]
        var pendingBySource: [Int: Int] = [:]
        var pendingByPool: [Int: Int] = [:]
        try units.forEach { unit in
            let document = documents.read(unit.document)
            var position = 0
            if sequence.count > 0 { boundaries.append(Int32(sequence.count)) }
            while position < unit.length {
                let take = min(length - sequence.count, unit.length - position)
                sequence += document.tokens[position..<position + take]
                pendingBySource[document.source, default: 0] += take
                pendingByPool[PackingCounts.poolKey(unit.document), default: 0] += take
                position += take
                if sequence.count == length {
                    try emit([boundaries, sequence])
                    counts.samples += 1
                    counts.tokens += length
                    for (source, count) in pendingBySource { counts.tokensBySource[source, default: 0] += count }
                    pendingBySource.removeAll(keepingCapacity: true)
                    for (pool, count) in pendingByPool { counts.tokensByPool[pool, default: 0] += count }
                    pendingByPool.removeAll(keepingCapacity: true)
                    sequence.removeAll(keepingCapacity: true)
                    boundaries = [0]
                }
            }
        }
        counts.droppedTailTokens = sequence.count
        return counts
    }

    /// Pieces whose sequences are placed together: best-fit works within windows of this many pieces
    /// of the shuffled stream, so its memory is bounded whatever the phase's size (a window is a few
    /// megabytes; packing a phase whole would fill sequences hardly any better).
    static let bestFitWindow = 1 << 16

    /// Best-fit-decreasing: pieces longer than a sequence are split (pretraining) or cut
    /// (`truncate`, for conversations); the rest are placed whole into the fullest sequence they
    /// fit; sequences are padded with `padID` (mask 0) and written in a seeded order. Columns
    /// boundaries, loss_mask, tokens. Without document masks the mask is 1 on every real token.
    /// Works window by window (`bestFitWindow` pieces) over the shuffled stream.
    func bestFit(_ units: UnitStream, documents: TokenizedStore, truncate: Bool,
                 emit: ([[Int32]]) throws -> Void) throws -> PackingCounts {
        var counts = PackingCounts()
        var random = SeededRandom(seed: seed ^ 0xB1F0_0000_0000_0000)
        // (unit, start, count): a piece of a unit's tokens.
        var window: [MixtureUnit] = []
        var pieces: [(unit: Int, start: Int, count: Int)] = []
        func flush() throws {
            try packWindow(window, pieces: pieces, documents: documents, random: &random, counts: &counts, emit: emit)
            window.removeAll(keepingCapacity: true)
            pieces.removeAll(keepingCapacity: true)
        }
        try units.forEach { unit in
            let number = window.count
            window.append(unit)
            if unit.length <= length {
                pieces.append((number, 0, unit.length))
            } else if truncate {
                counts.truncatedDocuments += 1
                counts.truncatedTokens += unit.length - length
                pieces.append((number, 0, length))
            } else {
                counts.splitDocuments += 1
                var start = 0
                while start < unit.length {
                    pieces.append((number, start, min(length, unit.length - start)))
                    start += length
                }
            }
            if pieces.count >= Self.bestFitWindow { try flush() }
        }
        if !pieces.isEmpty { try flush() }
        return counts
    }

    private func packWindow(_ units: [MixtureUnit], pieces: [(unit: Int, start: Int, count: Int)], documents: TokenizedStore,
                            random: inout SeededRandom, counts: inout PackingCounts,
                            emit: ([[Int32]]) throws -> Void) throws {
        // Longest first; ties keep the shuffled order.
        let order = pieces.indices.sorted { pieces[$0].count != pieces[$1].count ? pieces[$0].count > pieces[$1].count : $0 < $1 }
        var bins: [[Int]] = []
        var space: [Int] = []
        var finder = FreeSpaceIndex(capacity: length)
        for piece in order {
            let need = pieces[piece].count
            if let bin = finder.takeSmallest(atLeast: need) {
                bins[bin].append(piece)
                space[bin] -= need
                finder.insert(bin: bin, space: space[bin])
            } else {
                bins.append([piece])
                space.append(length - need)
                finder.insert(bin: bins.count - 1, space: length - need)
            }
        }
        var binOrder = Array(bins.indices)
        random.shuffle(&binOrder)
        for bin in binOrder {
            var tokens: [Int32] = []
            var mask: [Int32] = []
            var boundaries: [Int32] = []
            tokens.reserveCapacity(length)
            for piece in bins[bin] {
                let (unitNumber, start, count) = pieces[piece]
                let document = documents.read(units[unitNumber].document)
                boundaries.append(Int32(tokens.count))
                tokens += document.tokens[start..<start + count]
                if let documentMask = document.mask {
                    mask += documentMask[start..<start + count].map { Int32($0) }
                } else {
                    mask += repeatElement(1, count: count)
                }
                counts.tokensBySource[document.source, default: 0] += count
                counts.tokensByPool[PackingCounts.poolKey(units[unitNumber].document), default: 0] += count
            }
            counts.tokens += tokens.count
            counts.paddingTokens += length - tokens.count
            mask += repeatElement(0, count: length - tokens.count)
            tokens += repeatElement(padID, count: length - tokens.count)
            try emit([boundaries, mask, tokens])
            counts.samples += 1
        }
    }

    /// One sample per preference pair, each side padded to `length` (or cut to it, counted).
    /// Columns chosen, chosen_loss_mask, rejected, rejected_loss_mask.
    func pairs(_ units: UnitStream, documents: TokenizedStore,
               emit: ([[Int32]]) throws -> Void) throws -> PackingCounts {
        var counts = PackingCounts()
        try units.forEach { unit in
            let document = documents.read(unit.document)
            // A prompt that fills the sequence leaves neither answer a token to score.
            let sides = [document.mask ?? [], document.rejectedMask ?? []]
            if sides.contains(where: { !$0.prefix(length).contains(1) }) {
                counts.longPromptPairs += 1
                return
            }
            var row: [[Int32]] = []
            var truncated = false
            for (tokens, mask) in [(document.tokens, document.mask ?? []), (document.rejected ?? [], document.rejectedMask ?? [])] {
                let kept = min(tokens.count, length)
                if tokens.count > length {
                    truncated = true
                    counts.truncatedTokens += tokens.count - length
                }
                row.append(Array(tokens[..<kept]) + Array(repeating: padID, count: length - kept))
                row.append(mask[..<kept].map { Int32($0) } + Array(repeating: 0, count: length - kept))
                counts.tokens += kept
                counts.paddingTokens += length - kept
                counts.tokensBySource[document.source, default: 0] += kept
                counts.tokensByPool[PackingCounts.poolKey(unit.document), default: 0] += kept
            }
            if truncated { counts.truncatedDocuments += 1 }
            try emit(row)
            counts.samples += 1
        }
        return counts
    }
}

/// Finds the open sequence with the least free space that still fits a piece: one stack of bins
/// per free-space value and a bitmap of the non-empty stacks, scanned a word at a time.
struct FreeSpaceIndex {
    private var stacks: [[Int]]
    private var nonEmpty: [UInt64]

    init(capacity: Int) {
        stacks = Array(repeating: [], count: capacity + 1)
        nonEmpty = Array(repeating: 0, count: capacity / 64 + 1)
    }

    mutating func insert(bin: Int, space: Int) {
        guard space > 0 else { return }
        stacks[space].append(bin)
        nonEmpty[space >> 6] |= 1 << UInt64(space & 63)
    }

    /// Removes and returns a bin whose free space is the smallest value >= `need`.
    mutating func takeSmallest(atLeast need: Int) -> Int? {
        var word = need >> 6
        var bits = nonEmpty[word] & (~0 << UInt64(need & 63))
        while bits == 0 {
            word += 1
            guard word < nonEmpty.count else { return nil }
            bits = nonEmpty[word]
        }
        let space = word << 6 + bits.trailingZeroBitCount
        let bin = stacks[space].removeLast()
        if stacks[space].isEmpty { nonEmpty[space >> 6] &= ~(1 << UInt64(space & 63)) }
        return bin
    }
}
