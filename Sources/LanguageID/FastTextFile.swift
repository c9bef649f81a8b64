import CorpusIO

/// fastText's model file (`.bin`, `.ftz`), version 11 or 12, as `FastText::saveModel` writes it on a
/// little-endian machine: magic and version, the arguments, the dictionary, then the input and output
/// matrices, each dense or product-quantized. docs/FORMATS.md lists the fields.
public enum FastTextFile {
    static let magic: Int32 = 793_712_314
    static let version: Int32 = 12

    /// Reads and checks a supervised model.
    public static func read(path: String) throws -> FastTextModel {
        try parse(try readFile(path), path: path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws(LanguageIDFileError) -> FastTextModel {
        var cursor = ByteCursor(bytes: bytes, path: path)
        guard try cursor.int32("the magic number") == magic else {
            throw cursor.error("not a fastText model (wrong magic number)", at: 0)
        }
        let version = try cursor.int32("the version")
        guard version == 11 || version == 12 else { throw cursor.error("unsupported fastText version \(version)", at: 4) }
        var args = try readArgs(&cursor)
        guard args.model == FastTextArgs.supervised else {
            throw cursor.error("not a supervised (classification) model: model \(args.model)", at: 8 + 7 * 4)
        }
        // Version 11 supervised models predate character n-grams.
        if version == 11 { args.maxn = 0 }
        let dictionary = try readDictionary(&cursor, args: args)
        let inputStart = cursor.offset
        let quantizedInput = try cursor.uint8("the input's quantization flag") != 0
        let input = try readMatrix(&cursor, quantized: quantizedInput, what: "input")
        if !quantizedInput && dictionary.pruneIndex != nil {
            throw cursor.error("a pruned dictionary with a dense input matrix (fastText refuses such files)", at: inputStart)
        }
        let expectedRows = dictionary.wordCount + (dictionary.pruneIndex.map(\.count) ?? Int(args.bucket))
        guard input.rows == expectedRows, input.columns == Int(args.dim) else {
            throw cursor.error("the input matrix is \(input.rows)x\(input.columns), expected \(expectedRows)x\(args.dim)",
                               at: inputStart)
        }
        if let pruneIndex = dictionary.pruneIndex,
           let bad = pruneIndex.first(where: { $0.value < 0 || Int($0.value) >= input.rows - dictionary.wordCount }) {
            throw cursor.error("pruned bucket \(bad.key) maps to row \(bad.value), outside the input matrix", at: inputStart)
        }
        let outputStart = cursor.offset
        let quantizedOutput = try cursor.uint8("the output's quantization flag") != 0
        let output = try readMatrix(&cursor, quantized: quantizedInput && quantizedOutput, what: "output")
        guard output.rows == dictionary.labelCount, output.columns == Int(args.dim), dictionary.labelCount > 0 else {
            throw cursor.error("the output matrix is \(output.rows)x\(output.columns), expected "
                               + "\(dictionary.labelCount)x\(args.dim)", at: outputStart)
        }
        if cursor.offset != bytes.count {
            throw cursor.error("\(bytes.count - cursor.offset) bytes after the output matrix")
        }
        return FastTextModel(args: args, dictionary: dictionary, input: input, output: output)
    }

    static func readArgs(_ cursor: inout ByteCursor) throws(LanguageIDFileError) -> FastTextArgs {
        var args = FastTextArgs()
        args.dim = try cursor.int32("dim")
        args.ws = try cursor.int32("ws")
        args.epoch = try cursor.int32("epoch")
        args.minCount = try cursor.int32("minCount")
        args.neg = try cursor.int32("neg")
        args.wordNgrams = try cursor.int32("wordNgrams")
        let lossAt = cursor.offset
        let loss = try cursor.int32("loss")
        guard let known = FastTextLoss(rawValue: loss) else { throw cursor.error("unknown loss \(loss)", at: lossAt) }
        args.loss = known
        args.model = try cursor.int32("model")
        let bucketAt = cursor.offset
        args.bucket = try cursor.int32("bucket")
        args.minn = try cursor.int32("minn")
        args.maxn = try cursor.int32("maxn")
        args.lrUpdateRate = try cursor.int32("lrUpdateRate")
        args.t = try cursor.float64("t")
        guard (1...100_000).contains(args.dim), args.bucket >= 0, args.minn >= 0, args.maxn >= 0, args.maxn <= 1000,
              args.wordNgrams >= 0, args.wordNgrams <= 1000 else {
            throw cursor.error("implausible arguments: dim \(args.dim), bucket \(args.bucket), minn \(args.minn), "
                               + "maxn \(args.maxn), wordNgrams \(args.wordNgrams)", at: bucketAt)
        }
        return args
    }

    static func readDictionary(_ cursor: inout ByteCursor, args: FastTextArgs) throws(LanguageIDFileError) -> FastTextDictionary {
        let start = cursor.offset
        let size = Int(try cursor.int32("the dictionary size"))
        let words = Int(try cursor.int32("the word count"))
        let labels = Int(try cursor.int32("the label count"))
        let tokens = try cursor.int64("the token count")
        let pruneSize = try cursor.int64("the pruned bucket count")
        // Each entry takes at least 10 bytes (NUL, count, type): a bound that keeps a corrupt size from
        // reserving gigabytes.
        guard size >= 0, words >= 0, labels >= 0, words + labels == size, size <= (cursor.bytes.count - cursor.offset) / 10,
              pruneSize >= -1, pruneSize <= Int64((cursor.bytes.count - cursor.offset) / 8) else {
            throw cursor.error("implausible dictionary: \(size) entries (\(words) words, \(labels) labels), "
                               + "\(pruneSize) pruned buckets", at: start)
        }
        var entries: [FastTextDictionary.Entry] = []
        entries.reserveCapacity(size)
        for index in 0..<size {
            let word = try cursor.cString("dictionary entry \(index)")
            let count = try cursor.int64("the count of entry \(index)")
            let typeAt = cursor.offset
            let raw = try cursor.uint8("the type of entry \(index)")
            guard let type = FastTextDictionary.EntryType(rawValue: raw), (type == .word) == (index < words) else {
                throw cursor.error("entry \(index) has type \(raw); words (0) must come before labels (1)", at: typeAt)
            }
            entries.append(.init(word: word, count: count, type: type))
        }
        var pruneIndex: [Int32: Int32]?
        if pruneSize >= 0 {
            var map: [Int32: Int32] = [:]
            for _ in 0..<pruneSize {
                let bucket = try cursor.int32("a pruned bucket")
                map[bucket] = try cursor.int32("a pruned bucket's row")
            }
            pruneIndex = map
        }
        return FastTextDictionary(entries: entries, tokenCount: tokens, pruneIndex: pruneIndex, args: args)
    }

    static func readMatrix(_ cursor: inout ByteCursor, quantized: Bool, what: String) throws(LanguageIDFileError) -> FastTextMatrix {
        guard quantized else {
            let start = cursor.offset
            let rows = try cursor.int64("the \(what) matrix's rows")
            let columns = try cursor.int64("the \(what) matrix's columns")
            guard rows >= 0, columns >= 0, rows < Int64(Int32.max), columns <= 100_000,
                  rows * columns <= Int64((cursor.bytes.count - cursor.offset) / 4) else {
                throw cursor.error("truncated: the \(what) matrix of \(rows)x\(columns) floats does not fit in the file", at: start)
            }
            let values = try cursor.float32Array(Int(rows * columns), "the \(what) matrix")
            return .dense(DenseRows(rows: Int(rows), columns: Int(columns), values: values))
        }
        let start = cursor.offset
        let quantizedNorm = try cursor.uint8("the \(what) matrix's norm flag") != 0
        let rows = try cursor.int64("the \(what) matrix's rows")
        let columns = try cursor.int64("the \(what) matrix's columns")
        let codeSize = Int(try cursor.int32("the \(what) matrix's code size"))
        guard rows >= 0, rows < Int64(Int32.max), columns > 0, columns <= 100_000, codeSize >= 0 else {
            throw cursor.error("implausible quantized \(what) matrix: \(rows)x\(columns), \(codeSize) codes", at: start)
        }
        let codes = try cursor.byteArray(codeSize, "the \(what) matrix's codes")
        let quantizer = try readQuantizer(&cursor, what: what)
        guard quantizer.dim == Int(columns), codeSize == Int(rows) * quantizer.subquantizers else {
            throw cursor.error("the \(what) matrix's quantizer (dim \(quantizer.dim), \(quantizer.subquantizers) slices) "
                               + "does not match its \(rows)x\(columns) shape and \(codeSize) codes", at: start)
        }
        var normCodes: [UInt8] = []
        var normQuantizer: ProductQuantizer?
        if quantizedNorm {
            normCodes = try cursor.byteArray(Int(rows), "the \(what) matrix's norm codes")
            normQuantizer = try readQuantizer(&cursor, what: "\(what) norm")
        }
        return .quantized(QuantizedRows(rows: Int(rows), codes: codes, quantizer: quantizer, normCodes: normCodes,
                                        normQuantizer: normQuantizer))
    }

    static func readQuantizer(_ cursor: inout ByteCursor, what: String) throws(LanguageIDFileError) -> ProductQuantizer {
        let start = cursor.offset
        let dim = Int(try cursor.int32("the \(what) quantizer's dim"))
        let slices = Int(try cursor.int32("the \(what) quantizer's slice count"))
        let dsub = Int(try cursor.int32("the \(what) quantizer's dsub"))
        let lastDsub = Int(try cursor.int32("the \(what) quantizer's last dsub"))
        guard dim > 0, dim <= 100_000, dsub > 0, lastDsub > 0, lastDsub <= dsub, slices > 0,
              (slices - 1) * dsub + lastDsub == dim else {
            throw cursor.error("implausible \(what) quantizer: dim \(dim), \(slices) slices of \(dsub) (last \(lastDsub))",
                               at: start)
        }
        let centroids = try cursor.float32Array(dim * ProductQuantizer.centroidsPerSlice, "the \(what) quantizer's centroids")
        return ProductQuantizer(dim: dim, subquantizers: slices, dsub: dsub, lastDsub: lastDsub, centroids: centroids)
    }
}
