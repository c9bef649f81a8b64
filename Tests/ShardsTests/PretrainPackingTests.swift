import Foundation
import Testing
@testable import Shards

@Suite struct PretrainPackingTests {
    let encoder = ByteEncoder()

    func options(seed: UInt64 = 7, packing: PackingMode = .concat, validation: Double = 0.1) -> PackOptions {
        var options = PackOptions()
        options.seqLen = 63
        options.packing = packing
        options.validationFraction = validation
        options.seed = seed
        options.shardSizeLimit = 4096
        options.workers = 2
        return options
    }

    /// A small source (~6 KB) and a large one (~60 KB).
    var corpus: [PackDocument] {
        textDocuments(source: "small", count: 40, length: { 100 + ($0 * 37) % 120 })
            + textDocuments(source: "large", count: 200, length: { 150 + ($0 * 53) % 300 })
    }

    @Test func sharesAreWithinOnePercentOfTheWeights() throws {
        try withTemporaryDirectory { directory in
            // 3:1 towards the small source: it is upsampled, the large one subsampled.
            let mixture = PhaseMixture(name: "p", tokens: 40_000, weights: ["small": 3, "large": 1])
            var warnings: [String] = []
            let report = try PhasePacker(mixture: mixture, options: options(), encoder: encoder, tokenizerHash: "t")
                .pack(corpus, into: directory) { warnings.append($0) }
            let train = report.train
            #expect(abs(train.shareBySource["small"]! - 0.75) < 0.01)
            #expect(abs(train.shareBySource["large"]! - 0.25) < 0.01)
            #expect(train.sources["small"]!.action == "upsampled")
            #expect(train.sources["large"]!.action == "subsampled")
            #expect(warnings.contains { $0.contains("'small' is upsampled") })
            // The budget is met to within the one partial sequence dropped at the end.
            #expect(abs(train.packing.tokens + train.packing.droppedTailTokens - 40_000) <= 1)
            // Counted from the shards themselves: each sample's text names its documents' source.
            let samples = try allSamples(directory + "/train")
            #expect(samples.count == train.packing.samples)
            #expect(samples.allSatisfy { $0.tokens.count == 64 })
        }
    }

    @Test func trainAndValidationNeverShareADocument() throws {
        try withTemporaryDirectory { directory in
            let mixture = PhaseMixture(name: "p", weights: ["small": 1, "large": 1])
            var opts = options(validation: 0.3)
            opts.packing = .bestFit
            opts.seqLen = 1023  // every document fits whole
            try PhasePacker(mixture: mixture, options: opts, encoder: encoder, tokenizerHash: "t").pack(corpus, into: directory)
            func names(_ split: String) throws -> Set<String> {
                var found: Set<String> = []
                for sample in try allSamples(directory + "/" + split) {
                    let text = encoder.decode(sample.tokens)
                    for piece in text.split(separator: "<|endoftext|>") where piece.contains(": ") {
                        found.insert(String(piece.prefix { $0 != ":" }))
                    }
                }
                return found
            }
            let train = try names("train"), validation = try names("val")
            #expect(!validation.isEmpty && !train.isEmpty)
            #expect(train.isDisjoint(with: validation))
            #expect(train.count + validation.count == 240)
        }
    }

    @Test func sameSeedSameBytesOtherSeedOtherOrder() throws {
        try withTemporaryDirectory { directory in
            let mixture = PhaseMixture(name: "p", tokens: 20_000, weights: ["small": 1, "large": 1])
            for (name, seed) in [("a", UInt64(7)), ("b", 7), ("c", 8)] {
                try PhasePacker(mixture: mixture, options: options(seed: seed), encoder: encoder, tokenizerHash: "t")
                    .pack(corpus, into: directory + "/" + name)
            }
            for file in ["train/index.json", "train/shard.00000.mds.zstd", "val/index.json", "phase.json"] {
                #expect(try readFile(directory + "/a/" + file) == readFile(directory + "/b/" + file), "\(file)")
            }
            #expect(try readFile(directory + "/a/train/shard.00000.mds.zstd") != readFile(directory + "/c/train/shard.00000.mds.zstd"))
        }
    }

    @Test func aPlanSortedOnDiskGivesTheSameBytesAsOneInMemory() throws {
        try withTemporaryDirectory { directory in
            let mixture = PhaseMixture(name: "p", tokens: 30_000, weights: ["small": 2, "large": 1])
            for packing in [PackingMode.concat, .bestFit] {
                var spilling = options(packing: packing)
                // 2 KB per sort: a few dozen records per run, so both sorts spill and merge runs.
                spilling.planBufferBytes = 4096
                let big = directory + "/\(packing)-memory", small = directory + "/\(packing)-disk"
                try PhasePacker(mixture: mixture, options: options(packing: packing), encoder: encoder, tokenizerHash: "t")
                    .pack(corpus, into: big)
                try PhasePacker(mixture: mixture, options: spilling, encoder: encoder, tokenizerHash: "t").pack(corpus, into: small)
                for file in ["train/index.json", "train/shard.00000.mds.zstd", "val/index.json", "phase.json"] {
                    #expect(try readFile(big + "/" + file) == readFile(small + "/" + file), "\(packing) \(file)")
                }
                // The scratch files and sort runs are gone once the phase is packed.
                for scratch in [".tokens.tmp", ".tokens.tmp.entries", ".sort.tmp"] {
                    #expect(!FileManager.default.fileExists(atPath: small + scratch), "\(scratch)")
                }
            }
        }
    }

    @Test func aSourceSelectionRepeatsWholePassesThenCutsTheLastPiece() {
        let documents = (0..<4).map {
            StoredDocument(offset: 0, contentHash: UInt64($0), tokens: Int32(10 * ($0 + 1)), rejected: -1, source: 0, masks: 0)
        }   // 10 + 20 + 30 + 40 = 100 tokens, arriving in this order
        for (target, allowCut, expected) in [(250, true, 250), (250, false, 230), (35, true, 35), (35, false, 30), (0, true, 0)] {
            var selection = SourceSelection(available: 100, target: target, allowCut: allowCut)
            var units: [MixtureUnit] = []
            for document in documents { selection.take(document) { units.append($0) } }
            #expect(selection.selectedTokens == expected, "target \(target), cut \(allowCut)")
            #expect(units.reduce(0) { $0 + $1.length } == expected)
            // Two whole passes come first for 250: every document at least twice.
            if target == 250 { #expect(documents.allSatisfy { d in units.filter { $0.document == d }.count >= 2 }) }
        }
    }

    @Test func boundariesMarkEveryDocumentStart() throws {
        try withTemporaryDirectory { directory in
            let mixture = PhaseMixture(name: "p", weights: ["small": 1])
            try PhasePacker(mixture: mixture, options: options(validation: 0), encoder: encoder, tokenizerHash: "t")
                .pack(corpus, into: directory)
            let samples = try allSamples(directory + "/train")
            #expect(!samples.isEmpty)
            for sample in samples {
                let boundaries = try #require(sample.boundaries)
                #expect(boundaries.first == 0)
                // A document starts right after an EOS, and every EOS (not last) is followed by a start.
                for b in boundaries.dropFirst() { #expect(sample.tokens[Int(b) - 1] == 256) }
                let eosPositions = sample.tokens.indices.filter { sample.tokens[$0] == 256 && $0 + 1 < sample.tokens.count }
                #expect(Set(eosPositions.map { Int32($0 + 1) }) == Set(boundaries.dropFirst()))
            }
        }
    }

    @Test func bestFitKeepsDocumentsWholeAndReportsPadding() throws {
        try withTemporaryDirectory { directory in
            let mixture = PhaseMixture(name: "p", weights: ["small": 1])
            var opts = options(packing: .bestFit, validation: 0)
            opts.seqLen = 511
            let report = try PhasePacker(mixture: mixture, options: opts, encoder: encoder, tokenizerHash: "t")
                .pack(corpus, into: directory)
            let samples = try allSamples(directory + "/train")
            var seen = 0
            for sample in samples {
                let boundaries = sample.boundaries!.map(Int.init) + [sample.lossMask!.firstIndex(of: 0) ?? 512]
                for (start, end) in zip(boundaries, boundaries.dropFirst()) {
                    let text = encoder.decode(Array(sample.tokens[start..<end]))
                    #expect(text.hasPrefix("small-") && text.hasSuffix("<|endoftext|>"))
                    seen += 1
                }
            }
            #expect(seen == 40)
            #expect(report.train.packing.paddingTokens == samples.count * 512 - report.train.packing.tokens)
            #expect(report.train.packing.paddingRate < 0.5)
            #expect(report.train.packing.splitDocuments == 0)
        }
    }

    @Test func badMixturesAreRefusedWithTheirReason() throws {
        try withTemporaryDirectory { directory in
            let packer = { (mixture: PhaseMixture, upsample: Bool) in
                var opts = options()
                opts.allowUpsample = upsample
                return PhasePacker(mixture: mixture, options: opts, encoder: encoder, tokenizerHash: "t")
            }
            #expect { try packer(PhaseMixture(name: "p", tokens: 1000, weights: ["nowhere": 1]), true).pack(corpus, into: directory) }
                throws: { "\($0)".contains("'nowhere' has no tokens") }
            #expect { try packer(PhaseMixture(name: "p", tokens: 1000, weights: [:]), true).pack(corpus, into: directory) }
                throws: { "\($0)".contains("do not sum to a positive number") }
            #expect { try packer(PhaseMixture(name: "p", tokens: 10_000_000, weights: ["small": 1]), false).pack(corpus, into: directory) }
                throws: { "\($0)".contains("allow upsampling") }
            #expect { try packer(PhaseMixture(name: "p", tokens: 60_000, weights: ["small": 1], epochs: ["small": 2]), true)
                .pack(corpus, into: directory) } throws: { "\($0)".contains("more than its epochs") }
            let wide = PhasePacker(mixture: PhaseMixture(name: "p", weights: ["small": 1]), options: options(),
                                   encoder: ByteEncoder(vocabularySize: 70_000), tokenizerHash: "t", tokenType: .uint16)
            #expect { try wide.pack(corpus, into: directory) } throws: { "\($0)".contains("do not fit a uint16") }
        }
    }

    @Test func largeVocabulariesUseInt32Tokens() throws {
        try withTemporaryDirectory { directory in
            let packer = PhasePacker(mixture: PhaseMixture(name: "p", weights: ["small": 1]), options: options(),
                                     encoder: ByteEncoder(vocabularySize: 70_000), tokenizerHash: "t")
            let report = try packer.pack(corpus, into: directory)
            #expect(report.tokenType == .int32)
            let reader = try ShardReader(directory: directory + "/train")
            #expect(reader.columns.first { $0.name == "tokens" }?.encoding == "ndarray:int32:64")
        }
    }
}
