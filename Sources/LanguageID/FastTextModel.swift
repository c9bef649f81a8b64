import Foundation

/// One predicted label with its probability.
public struct LabelScore: Sendable, Equatable {
    public var label: String
    public var probability: Float

    public init(label: String, probability: Float) {
        self.label = label
        self.probability = probability
    }
}

/// A fastText supervised model (`.bin`, or `.ftz` quantized): lid.176, GlotLID, one trained by the
/// `fasttext` package, or ours. `predict` returns the labels and probabilities fastText's Python
/// `model.predict(text, k, threshold)` returns, computed with the same float operations in the same order.
public struct FastTextModel: Sendable {
    public let args: FastTextArgs
    public let dictionary: FastTextDictionary
    public let input: FastTextMatrix
    public let output: FastTextMatrix
    /// The label tree of a hierarchical-softmax model.
    let tree: HuffmanTree?
    /// The labels without `__label__`, made once.
    public let labels: [String]
    /// A dense output matrix by column, rows padded to a multiple of 8: (dim, paddedRows). Eight rows' dot
    /// products then run side by side, each lane summing its row left to right as fastText does.
    let outputByColumn: [Float]?
    let paddedRows: Int

    public init(args: FastTextArgs, dictionary: FastTextDictionary, input: FastTextMatrix, output: FastTextMatrix) {
        self.args = args
        self.dictionary = dictionary
        self.input = input
        self.output = output
        tree = args.loss == .hierarchicalSoftmax
            ? HuffmanTree(counts: dictionary.entries[dictionary.wordCount...].map(\.count)) : nil
        labels = (0..<dictionary.labelCount).map(dictionary.label)
        paddedRows = (output.rows + 7) / 8 * 8
        if case .dense(let m) = output {
            var byColumn = [Float](repeating: 0, count: m.columns * paddedRows)
            for row in 0..<m.rows {
                for column in 0..<m.columns { byColumn[column * paddedRows + row] = m.values[row * m.columns + column] }
            }
            outputByColumn = byColumn
        } else {
            outputByColumn = nil
        }
    }

    /// Buffers one caller reuses across predictions (not shared between threads).
    public struct Scratch: Sendable {
        var rows: [Int32] = []
        var line = FastTextDictionary.LineScratch()
        var hidden: [Float] = []
        var scores: [Float] = []
        /// `best`'s scores, padded to a multiple of 8 with -infinity.
        var paddedScores: [Float] = []
        /// The text's bytes, for callers that rewrite them (newlines to spaces) first.
        var text: [UInt8] = []
        /// `best`'s recent words with their rows' sums, and the sum of the word at hand.
        var wordSums: WordSumCache?
        var wordSum: [Float] = []
        let wordSumSlots: Int
        public init() { wordSumSlots = FastTextModel.wordSumSlots }
        /// With a cache of `wordSumSlots` words (a power of two), for tests of eviction.
        init(wordSumSlots: Int) { self.wordSumSlots = wordSumSlots }
    }

    /// The `k` most probable labels of one line (k < 0: all), most probable first, dropping those under
    /// `threshold`. Text after the first newline is not read, as in fastText.
    public func predict(_ text: String, k: Int = 1, threshold: Float = 0, scratch: inout Scratch) -> [LabelScore] {
        var copy = text
        return copy.withUTF8 { predict(bytes: $0, k: k, threshold: threshold, scratch: &scratch) }
    }

    public func predict(_ text: String, k: Int = 1, threshold: Float = 0) -> [LabelScore] {
        var scratch = Scratch()
        return predict(text, k: k, threshold: threshold, scratch: &scratch)
    }

    public func predict(bytes: UnsafeBufferPointer<UInt8>, k: Int, threshold: Float, scratch: inout Scratch) -> [LabelScore] {
        guard computeHidden(bytes, scratch: &scratch) else { return [] }
        let limit = k < 0 ? dictionary.labelCount : k
        guard limit > 0 else { return [] }
        let best: [(score: Float, index: Int)]
        switch args.loss {
        case .hierarchicalSoftmax:
            best = scratch.hidden.withUnsafeBufferPointer { tree!.best(limit, threshold: threshold, hidden: $0, output: output) }
        case .softmax, .negativeSampling, .oneVsAll:
            computeOutput(scratch: &scratch)
            best = Self.kBest(limit, threshold: threshold, scratch.scores)
        }
        // fastText returns exp(log(p + 1e-5)) in float: p itself, nudged by the 1e-5 it adds before the log.
        return best.map { LabelScore(label: labels[$0.index], probability: Foundation.exp($0.score)) }
    }

    /// The hidden vector (mean of the line's input rows); false when the line has none.
    func computeHidden(_ bytes: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> Bool {
        dictionary.rows(ofLine: bytes, into: &scratch.rows, scratch: &scratch.line)
        guard !scratch.rows.isEmpty else { return false }
        let dim = input.columns
        if scratch.hidden.count != dim { scratch.hidden = [Float](repeating: 0, count: dim) }
        let scale = Float(1.0 / Double(scratch.rows.count))
        scratch.hidden.withUnsafeMutableBufferPointer { hidden in
            for j in 0..<dim { hidden[j] = 0 }
            scratch.rows.withUnsafeBufferPointer { input.addRows($0, to: hidden) }
            for j in 0..<dim { hidden[j] *= scale }
        }
        return true
    }

    /// Softmax over the output rows, or a sigmoid per row for one-vs-all and negative sampling.
    func computeOutput(scratch: inout Scratch) {
        let count = output.rows
        if scratch.scores.count != count { scratch.scores = [Float](repeating: 0, count: count) }
        scratch.hidden.withUnsafeBufferPointer { hidden in
            scratch.scores.withUnsafeMutableBufferPointer { scores in
                if let outputByColumn {
                    Self.multiplyByEight(outputByColumn, rows: count, paddedRows: paddedRows, hidden, into: scores)
                } else {
                    output.multiply(hidden, into: scores)
                }
                if args.loss == .softmax {
                    Self.softmax(scores)
                } else {
                    for i in 0..<count { scores[i] = SigmoidTable.shared.sigmoid(scores[i]) }
                }
            }
        }
    }

    /// `row . hidden` for every row, eight rows at a time from the by-column copy. Each lane's sum is one chain
    /// of dependent adds (fastText's order), so four blocks of eight rows run side by side to keep the adder busy.
    static func multiplyByEight(_ byColumn: [Float], rows: Int, paddedRows: Int, _ hidden: UnsafeBufferPointer<Float>,
                                into scores: UnsafeMutableBufferPointer<Float>) {
        byColumn.withUnsafeBytes { raw in
            let stride = MemoryLayout<Float>.stride
            @inline(__always)
            func weights(_ column: Int, _ block: Int) -> SIMD8<Float> {
                raw.loadUnaligned(fromByteOffset: (column * paddedRows + block * 8) * stride, as: SIMD8<Float>.self)
            }
            @inline(__always)
            func store(_ sum: SIMD8<Float>, block: Int) {
                for lane in 0..<8 where block * 8 + lane < rows { scores[block * 8 + lane] = sum[lane] }
            }
            let blocks = paddedRows / 8
            var block = 0
            while block + 4 <= blocks {
                var s0 = SIMD8<Float>(repeating: 0), s1 = s0, s2 = s0, s3 = s0
                for column in 0..<hidden.count {
                    let h = SIMD8<Float>(repeating: hidden[column])
                    s0 += weights(column, block) * h
                    s1 += weights(column, block + 1) * h
                    s2 += weights(column, block + 2) * h
                    s3 += weights(column, block + 3) * h
                }
                store(s0, block: block); store(s1, block: block + 1); store(s2, block: block + 2); store(s3, block: block + 3)
                block += 4
            }
            while block < blocks {
                var sum = SIMD8<Float>(repeating: 0)
                for column in 0..<hidden.count { sum += weights(column, block) * SIMD8(repeating: hidden[column]) }
                store(sum, block: block)
                block += 1
            }
        }
    }

    /// fastText's softmax: max, then exp(x - max) summed in float, then divided.
    static func softmax(_ scores: UnsafeMutableBufferPointer<Float>) {
        var maximum = scores[0]
        for value in scores { maximum = Swift.max(value, maximum) }
        var z: Float = 0
        for i in scores.indices {
            // fastText calls C's double exp on the float difference and stores the result as a float.
            scores[i] = Float(Foundation.exp(Double(scores[i] - maximum)))
            z += scores[i]
        }
        for i in scores.indices { scores[i] /= z }
    }

    /// fastText's `std_log`: log(x + 1e-5) in double, kept as a float.
    @inline(__always)
    static func stdLog(_ x: Float) -> Float { Float(Foundation.log(Double(x) + 1e-5)) }

    /// The `k` best of `scores` by log score, skipping those under `threshold`; ties keep fastText's heap order.
    static func kBest(_ k: Int, threshold: Float, _ scores: [Float]) -> [(score: Float, index: Int)] {
        var heap = PredictionHeap(capacity: k)
        var worstValue: Float = 0
        for (index, value) in scores.enumerated() where value >= threshold {
            // A value well under the worst kept one has a smaller log for sure: skip the log (fastText takes
            // it, but the answer is the same). Near ties take the log and compare as fastText does.
            if heap.count == k && (Double(value) + 1e-5) < (Double(worstValue) + 1e-5) * 0.999 { continue }
            let score = stdLog(value)
            if heap.count == k && score < heap.worst { continue }
            heap.push(score: score, index: index)
            worstValue = scores[heap.items[0].index]
        }
        return heap.sorted()
    }
}

/// fastText's sigmoid lookup table (512 steps over [-8, 8]), used by one-vs-all and negative sampling.
struct SigmoidTable: Sendable {
    static let shared = SigmoidTable()
    static let size = 512
    static let limit: Float = 8
    let values: [Float]

    init() {
        values = (0...Self.size).map { i in
            let x = Float(i * 2 * 8) / Float(Self.size) - Self.limit
            // std::exp of a float is expf; the division is in double.
            return Float(1.0 / (1.0 + Double(Foundation.exp(-x))))
        }
    }

    func sigmoid(_ x: Float) -> Float {
        // Finite weights can still sum to infinities whose difference is NaN: no row index for it (fastText
        // throws "Encountered NaN"; the label is left out here, as NaN fails every comparison after).
        if x.isNaN { return .nan }
        if x < -Self.limit { return 0 }
        if x > Self.limit { return 1 }
        return values[Int((x + Self.limit) * Float(Self.size) / Self.limit / 2)]
    }
}
