import CorpusIO

/// Writes a dense supervised model in fastText's file format (version 12), so that `fasttext.load_model`
/// reads what we train and answers as we do.
public enum FastTextWriter {
    public static func bytes(of model: FastTextModel) -> [UInt8] {
        guard case .dense(let input) = model.input, case .dense(let output) = model.output else {
            preconditionFailure("only dense models are written")
        }
        var out: [UInt8] = []
        out.reserveCapacity(64 + (input.values.count + output.values.count) * 4)
        func int32(_ value: Int32) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func int64(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func floats(_ values: [Float]) {
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        let args = model.args
        int32(FastTextFile.magic)
        int32(FastTextFile.version)
        for value in [args.dim, args.ws, args.epoch, args.minCount, args.neg, args.wordNgrams, args.loss.rawValue,
                      args.model, args.bucket, args.minn, args.maxn, args.lrUpdateRate] { int32(value) }
        int64(Int64(bitPattern: args.t.bitPattern))
        let dictionary = model.dictionary
        int32(Int32(dictionary.entries.count))
        int32(Int32(dictionary.wordCount))
        int32(Int32(dictionary.labelCount))
        int64(dictionary.tokenCount)
        int64(-1)          // never pruned
        for entry in dictionary.entries {
            out.append(contentsOf: entry.word)
            out.append(0)
            int64(entry.count)
            out.append(entry.type.rawValue)
        }
        out.append(0)      // dense input
        int64(Int64(input.rows))
        int64(Int64(input.columns))
        floats(input.values)
        out.append(0)      // dense output
        int64(Int64(output.rows))
        int64(Int64(output.columns))
        floats(output.values)
        return out
    }

    /// Writes the model atomically (a temporary file renamed into place).
    public static func write(_ model: FastTextModel, to path: String) throws {
        try FileSystem.writeAtomically(bytes(of: model), to: path)
    }
}
