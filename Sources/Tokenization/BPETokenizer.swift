import Foundation
import Synchronization

/// Byte-level BPE encoder and decoder built from a `BPEModel`: the tokenizer packing and the CLI use.
/// Encoding is NFC (when the model asks for it), added-token matching, pre-tokenization by the
/// model's split preset, then merges by rank on each piece's bytes; results per piece are cached.
/// Thread-safe: each call borrows a scratch state (cache and buffers) from a small pool.
public final class BPETokenizer: Sendable {
    public let model: BPEModel
    public let preset: SplitPreset
    /// Number of ids (the largest id + 1).
    public let vocabularySize: Int

    let preTokenizer: PreTokenizer
    let merges: MergeTable
    /// Id of each single-byte token, -1 where the vocabulary lacks it.
    let byteIDs: [Int32]
    /// Ids of whole pieces, consulted first when the model ignores merges for in-vocabulary words.
    let wholePieceIDs: [[UInt8]: Int32]
    /// Bytes each id decodes to: `decodedBytes[decodedOffsets[id]..<decodedOffsets[id + 1]]`.
    let decodedBytes: [UInt8]
    let decodedOffsets: [Int]
    /// Added tokens matched on the raw text, then (after normalisation) those marked `normalized`;
    /// each in two variants: all tokens, and only the non-special ones (when special tokens are not allowed).
    let rawMatchers: (all: AddedTokenMatcher, nonSpecial: AddedTokenMatcher)
    let normalizedMatchers: (all: AddedTokenMatcher, nonSpecial: AddedTokenMatcher)
    let specialIDs: [String: Int32]
    private let scratchPool = Mutex<[EncoderScratch]>([])

    public init(model: BPEModel) throws(TokenizerError) {
        guard let preset = SplitPreset(pattern: model.splitPattern) else {
            throw .unsupported(field: "pre_tokenizer.pattern", detail: "no scanner for the split regex \(model.splitPattern.debugDescription)")
        }
        self.model = model
        self.preset = preset
        self.preTokenizer = PreTokenizer(preset: preset)
        self.vocabularySize = model.tokens.count

        var idOfToken = [String: Int32](minimumCapacity: model.tokens.count)
        for (id, token) in model.tokens.enumerated() where idOfToken[token] == nil {
            idOfToken[token] = Int32(id)
        }
        let addedByID = Dictionary(model.addedTokens.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for token in model.addedTokens where token.id < 0 || token.id >= model.tokens.count {
            throw .invalid(field: "added_tokens", detail: "id \(token.id) of \(token.content.debugDescription) is outside the vocabulary of \(model.tokens.count)")
        }

        var byteIDs = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            if let id = idOfToken[String(Character(ByteLevel.scalarForByte[byte]))], addedByID[Int(id)] == nil {
                byteIDs[byte] = id
            }
        }
        self.byteIDs = byteIDs

        var triples: [(left: Int32, right: Int32, merged: Int32)] = []
        triples.reserveCapacity(model.merges.count)
        for (rank, merge) in model.merges.enumerated() {
            guard let left = idOfToken[merge.left], let right = idOfToken[merge.right] else {
                throw .invalid(field: "model.merges[\(rank)]", detail: "\(merge.left.debugDescription) or \(merge.right.debugDescription) is not in model.vocab")
            }
            guard let merged = idOfToken[merge.left + merge.right] else {
                throw .invalid(field: "model.merges[\(rank)]", detail: "the merged token \((merge.left + merge.right).debugDescription) is not in model.vocab")
            }
            triples.append((left, right, merged))
        }
        self.merges = MergeTable(triples)

        var decodedBytes: [UInt8] = []
        var decodedOffsets: [Int] = [0]
        var wholePieceIDs: [[UInt8]: Int32] = [:]
        for (id, token) in model.tokens.enumerated() {
            if let added = addedByID[id] {
                decodedBytes.append(contentsOf: added.content.utf8)
            } else {
                let bytes = ByteLevel.decodeLeniently(token)
                decodedBytes.append(contentsOf: bytes)
                if model.ignoreMerges, wholePieceIDs[bytes] == nil { wholePieceIDs[bytes] = Int32(id) }
            }
            decodedOffsets.append(decodedBytes.count)
        }
        self.decodedBytes = decodedBytes
        self.decodedOffsets = decodedOffsets
        self.wholePieceIDs = wholePieceIDs

        let raw = model.addedTokens.filter { !$0.normalized }
        let normalized = model.addedTokens.filter { $0.normalized }
        rawMatchers = (AddedTokenMatcher(raw), AddedTokenMatcher(raw.filter { !$0.special }))
        normalizedMatchers = (AddedTokenMatcher(normalized), AddedTokenMatcher(normalized.filter { !$0.special }))
        var specialIDs: [String: Int32] = [:]
        for token in model.addedTokens where specialIDs[token.content] == nil { specialIDs[token.content] = Int32(token.id) }
        self.specialIDs = specialIDs
    }

    // MARK: Encoding

    /// Token ids of `text`. Special tokens written in the text are recognised when `allowSpecial`,
    /// and encoded as ordinary text otherwise (non-special added tokens are always recognised, as in
    /// Hugging Face tokenizers with `split_special_tokens`).
    public func encode(_ text: String, allowSpecial: Bool) -> [Int32] {
        var text = text
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3)
        text.withUTF8 { encode(utf8: $0, allowSpecial: allowSpecial, into: &output) }
        return output
    }

    /// Appends the ids of the UTF-8 text in `utf8` (must be valid UTF-8) to `output`.
    public func encode(utf8: UnsafeBufferPointer<UInt8>, allowSpecial: Bool, into output: inout [Int32]) {
        var scratch = borrowScratch()
        defer { returnScratch(scratch) }
        encode(utf8, allowSpecial: allowSpecial, scratch: &scratch, into: &output)
    }

    func encode(_ utf8: UnsafeBufferPointer<UInt8>, allowSpecial: Bool, scratch: inout EncoderScratch,
                into output: inout [Int32]) {
        let matcher = allowSpecial ? rawMatchers.all : rawMatchers.nonSpecial
        if matcher.isEmpty {
            encodeNormalizing(utf8, allowSpecial: allowSpecial, scratch: &scratch, into: &output)
            return
        }
        matcher.split(utf8, text: { range in
            encodeNormalizing(UnsafeBufferPointer(rebasing: utf8[range]), allowSpecial: allowSpecial,
                              scratch: &scratch, into: &output)
        }, token: { output.append($0) })
    }

    private func encodeNormalizing(_ utf8: UnsafeBufferPointer<UInt8>, allowSpecial: Bool,
                                   scratch: inout EncoderScratch, into output: inout [Int32]) {
        let matcher = allowSpecial ? normalizedMatchers.all : normalizedMatchers.nonSpecial
        if model.normalizer == .nfc, UnicodeNormalization.mayChangeUnderNFC(utf8) {
            let normalized = UnicodeNormalization.nfc(utf8)
            normalized.withUnsafeBufferPointer { encodeMatched($0, matcher: matcher, scratch: &scratch, into: &output) }
        } else {
            encodeMatched(utf8, matcher: matcher, scratch: &scratch, into: &output)
        }
    }

    private func encodeMatched(_ utf8: UnsafeBufferPointer<UInt8>, matcher: AddedTokenMatcher,
                               scratch: inout EncoderScratch, into output: inout [Int32]) {
        if matcher.isEmpty {
            encodeOrdinaryText(utf8, scratch: &scratch, into: &output)
            return
        }
        matcher.split(utf8, text: { range in
            encodeOrdinaryText(UnsafeBufferPointer(rebasing: utf8[range]), scratch: &scratch, into: &output)
        }, token: { output.append($0) })
    }

    /// Pre-tokenizes and merges text that holds no added tokens.
    func encodeOrdinaryText(_ utf8: UnsafeBufferPointer<UInt8>, scratch: inout EncoderScratch, into output: inout [Int32]) {
        byteIDs.withUnsafeBufferPointer { byteIDs in
            let byteIDs = byteIDs.baseAddress!
            preTokenizer.split(utf8) { range in
                let piece = UnsafeBufferPointer(rebasing: utf8[range])
                if piece.count == 1 {
                    let id = byteIDs[Int(piece[0])]
                    if id >= 0 { output.append(id) }
                    return
                }
                encodePiece(piece, byteIDs: byteIDs, scratch: &scratch, into: &output)
            }
        }
    }

    @inline(__always)
    private func encodePiece(_ piece: UnsafeBufferPointer<UInt8>, byteIDs: UnsafePointer<Int32>,
                             scratch: inout EncoderScratch, into output: inout [Int32]) {
        let cacheable = piece.count <= PieceCache.maxPieceLength
        var hash: UInt64 = 0
        if cacheable {
            hash = PieceCache.hash(piece)
            if scratch.cache.append(piece, hash: hash, to: &output) { return }
        }
        let start = output.count
        if model.ignoreMerges, let id = wholePieceIDs[Array(piece)] {
            output.append(id)
        } else {
            scratch.merger.merge(piece, byteIDs: byteIDs, merges: merges, into: &output)
        }
        if cacheable { scratch.cache.insert(piece, hash: hash, ids: output[start...]) }
    }

    // MARK: Scratch pool

    func borrowScratch() -> EncoderScratch {
        scratchPool.withLock { $0.popLast() } ?? EncoderScratch()
    }

    func returnScratch(_ scratch: consuming EncoderScratch) {
        let scratch = scratch
        scratchPool.withLock { pool in
            // Keep at most one per core: a burst of concurrent callers does not leave caches behind.
            if pool.count < ProcessInfo.processInfo.activeProcessorCount { pool.append(scratch) }
        }
    }

    // MARK: Special tokens and decoding

    /// The id of an added (special) token, by its literal content.
    public func specialTokenID(_ content: String) -> Int32? { specialIDs[content] }

    /// The exact bytes the ids stand for; ids outside the vocabulary are skipped.
    public func decodeBytes(_ ids: [Int32]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids { appendBytes(of: id, to: &bytes) }
        return bytes
    }

    /// Text of the ids; bytes that are not valid UTF-8 (ids ending inside a character) become U+FFFD.
    public func decode(_ ids: [Int32]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }

    /// The bytes of one id appended to `bytes`; false for an id outside the vocabulary.
    @discardableResult
    public func appendBytes(of id: Int32, to bytes: inout [UInt8]) -> Bool {
        let index = Int(id)
        guard index >= 0, index < vocabularySize else { return false }
        bytes.append(contentsOf: decodedBytes[decodedOffsets[index]..<decodedOffsets[index + 1]])
        return true
    }
}

/// Per-call working state: the piece cache and the merge buffers.
struct EncoderScratch: Sendable {
    var cache = PieceCache()
    var merger = PieceMerger()
}
