import CorpusIO

/// Settings of the built-in model: a fastText-style classifier over hashed character n-grams of each word
/// (no word vocabulary: n-grams up to `maxn` characters already hold the short words), one averaged
/// embedding, a softmax over the languages. Defaults chosen on the held-out packages (docs/LANGID.md).
public struct LanguageTrainerOptions: Sendable, Equatable, Codable {
    public var dim = 16
    public var buckets = 200_000
    public var minn = 1
    public var maxn = 4
    /// 10 passes at 0.8 rather than fastText's usual 5 at 0.5 (and the 5 at 0.5 this model had first): on the
    /// held-out packages 1.4 points more macro accuracy on short texts and 1.5 on joined ones (docs/LANGID.md).
    public var epochs = 10
    public var learningRate: Float = 0.8
    public var seed: UInt64 = 0
    /// Most training texts taken per language (spread over its packages): keeps English, whose originals
    /// come from every catalog, from swamping the rest, and bounds training time.
    public var maxTextsPerLanguage = 30_000
    /// Languages with fewer training texts than this are left out: too few to learn, and too few to test.
    public var minTextsPerLanguage = 300

    public init() {}

    enum CodingKeys: String, CodingKey {
        case dim, buckets, minn, maxn, epochs, learningRate = "learning_rate", seed
        case maxTextsPerLanguage = "max_texts_per_language", minTextsPerLanguage = "min_texts_per_language"
    }
}

/// Trains the built-in model: fastText's supervised training (softmax loss, SGD with a learning rate
/// falling linearly to zero, gradient averaged over the input rows), on one thread so that the same texts
/// and seed give the same bytes.
public struct LanguageTrainer {
    public let options: LanguageTrainerOptions

    public init(options: LanguageTrainerOptions = LanguageTrainerOptions()) { self.options = options }

    /// The texts training uses: languages with enough texts, each capped.
    public func selectTexts(_ texts: [LabelledText]) -> [LabelledText] {
        var counts: [String: Int] = [:]
        for text in texts { counts[text.label, default: 0] += 1 }
        let kept = texts.filter { counts[$0.label]! >= options.minTextsPerLanguage }
        return EvaluationTexts.capped(kept, perLabel: options.maxTextsPerLanguage)
    }

    /// A model trained on `texts` (all of them: call `selectTexts` first to balance).
    public func train(_ texts: [LabelledText], progress: (Int, Int) -> Void = { _, _ in }) -> FastTextModel {
        var counts: [String: Int] = [:]
        for text in texts { counts[text.label, default: 0] += 1 }
        let labels = counts.keys.sorted { counts[$0]! != counts[$1]! ? counts[$0]! > counts[$1]! : $0 < $1 }
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var args = FastTextArgs()
        args.dim = Int32(options.dim)
        args.epoch = Int32(options.epochs)
        args.bucket = Int32(options.buckets)
        args.minn = Int32(options.minn)
        args.maxn = Int32(options.maxn)
        args.loss = .softmax
        args.wordNgrams = 1
        var entries = [FastTextDictionary.Entry(word: FastTextDictionary.endOfSentence, count: Int64(texts.count), type: .word)]
        for label in labels {
            entries.append(.init(word: FastTextDictionary.labelPrefix + Array(label.utf8), count: Int64(counts[label]!), type: .label))
        }
        let tokens = texts.reduce(Int64(0)) { $0 + Int64($1.text.split(separator: " ").count + 1) }
        let dictionary = FastTextDictionary(entries: entries, tokenCount: tokens, pruneIndex: nil, args: args)

        let dim = options.dim
        let inputRows = 1 + options.buckets
        var random = SeededRandom(seed: options.seed)
        var input = (0..<inputRows * dim).map { _ in (Float(random.unit()) * 2 - 1) / Float(dim) }   // (1 + buckets, dim)
        var output = [Float](repeating: 0, count: labels.count * dim)                                 // (labels, dim)
        var order = Array(texts.indices)
        let total = options.epochs * texts.count
        var step = 0
        var rows: [Int32] = []
        var line = FastTextDictionary.LineScratch()
        var hidden = [Float](repeating: 0, count: dim)
        var gradient = [Float](repeating: 0, count: dim)
        var scores = [Float](repeating: 0, count: labels.count)
        let targets = texts.map { Int32(labelIndex[$0.label]!) }
        for _ in 0..<options.epochs {
            random.moduloShuffle(&order)
            for example in order {
                let rate = options.learningRate * (1 - Float(step) / Float(total))
                step += 1
                if step % 200_000 == 0 { progress(step, total) }
                var text = texts[example].text
                text.withUTF8 { dictionary.rows(ofLine: $0, into: &rows, scratch: &line) }
                guard !rows.isEmpty else { continue }
                Self.update(rows: rows, target: Int(targets[example]), rate: rate, dim: dim,
                            input: &input, output: &output, hidden: &hidden, gradient: &gradient, scores: &scores)
            }
        }
        return FastTextModel(args: args, dictionary: dictionary,
                             input: .dense(DenseRows(rows: inputRows, columns: dim, values: input)),
                             output: .dense(DenseRows(rows: labels.count, columns: dim, values: output)))
    }

    /// One SGD step of fastText's `Model::update` with the softmax loss.
    static func update(rows: [Int32], target: Int, rate: Float, dim: Int, input: inout [Float], output: inout [Float],
                       hidden: inout [Float], gradient: inout [Float], scores: inout [Float]) {
        let labelCount = scores.count
        rows.withUnsafeBufferPointer { rows in
        input.withUnsafeMutableBufferPointer { input in
        output.withUnsafeMutableBufferPointer { output in
        hidden.withUnsafeMutableBufferPointer { hidden in
        gradient.withUnsafeMutableBufferPointer { gradient in
        scores.withUnsafeMutableBufferPointer { scores in
            let byEight = dim % 8 == 0
            for j in 0..<dim { hidden[j] = 0; gradient[j] = 0 }
            if byEight {
                // Prediction's row adder: from the zeroed `hidden`, the same sums in the same order.
                FastTextMatrix.addRowsByEight(rows, values: UnsafeBufferPointer(input), columns: dim, to: hidden)
            } else {
                for row in rows {
                    let base = Int(row) * dim
                    for j in 0..<dim { hidden[j] += input[base + j] }
                }
            }
            let scale = 1 / Float(rows.count)
            for j in 0..<dim { hidden[j] *= scale }
            for label in 0..<labelCount {
                var sum: Float = 0
                for j in 0..<dim { sum += output[label * dim + j] * hidden[j] }
                scores[label] = sum
            }
            FastTextModel.softmax(scores)
            for label in 0..<labelCount {
                let alpha = rate * ((label == target ? 1 : 0) - scores[label])
                let base = label * dim
                if byEight {
                    stepByEight(alpha: alpha, output: output.baseAddress! + base, hidden: UnsafeBufferPointer(hidden),
                                gradient: gradient)
                    continue
                }
                for j in 0..<dim {
                    gradient[j] += alpha * output[base + j]
                    output[base + j] += alpha * hidden[j]
                }
            }
            for j in 0..<dim { gradient[j] *= scale }
            if byEight {
                addByEight(UnsafeBufferPointer(gradient), toRows: rows, input: input, dim: dim)
                return
            }
            for row in rows {
                let base = Int(row) * dim
                for j in 0..<dim { input[base + j] += gradient[j] }
            }
        }}}}}}
    }

    // The loops of `update` over the embedding, eight columns per vector for a `dim` that is a multiple
    // of eight. Each lane does exactly the scalar loop's operations in its order (no fused multiply-add: this
    // module is built for baseline x86-64), so the model comes out bit for bit the same; the scalar loops
    // kept `hidden` in memory, one load and store per element and row.

    /// One label's step: `gradient += alpha * output row`, then `output row += alpha * hidden`.
    @inline(__always)
    static func stepByEight(alpha: Float, output: UnsafeMutablePointer<Float>, hidden: UnsafeBufferPointer<Float>,
                            gradient: UnsafeMutableBufferPointer<Float>) {
        let out = UnsafeMutableRawPointer(output)
        let h = UnsafeRawPointer(hidden.baseAddress!)
        let g = UnsafeMutableRawPointer(gradient.baseAddress!)
        let stride = MemoryLayout<Float>.stride
        let a = SIMD8<Float>(repeating: alpha)
        for chunk in 0..<hidden.count / 8 {
            let offset = chunk * 8 * stride
            let weights = out.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            g.storeBytes(of: g.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + a * weights,
                         toByteOffset: offset, as: SIMD8<Float>.self)
            out.storeBytes(of: weights + a * h.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self),
                           toByteOffset: offset, as: SIMD8<Float>.self)
        }
    }

    /// `row += gradient` for each row, in order (a row listed twice gets it twice).
    @inline(__always)
    static func addByEight(_ gradient: UnsafeBufferPointer<Float>, toRows rows: UnsafeBufferPointer<Int32>,
                           input: UnsafeMutableBufferPointer<Float>, dim: Int) {
        let base = UnsafeMutableRawPointer(input.baseAddress!)
        let g = UnsafeRawPointer(gradient.baseAddress!)
        let stride = MemoryLayout<Float>.stride
        for row in rows {
            for chunk in 0..<dim / 8 {
                let offset = (Int(row) * dim + chunk * 8) * stride
                let sum = base.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                    + g.loadUnaligned(fromByteOffset: chunk * 8 * stride, as: SIMD8<Float>.self)
                base.storeBytes(of: sum, toByteOffset: offset, as: SIMD8<Float>.self)
            }
        }
    }
}

extension SeededRandom {
    /// Fisher-Yates with a modulo draw, which the package split and the built-in model's
    /// measured figures were trained with; `shuffle` draws without the modulo bias.
    mutating func moduloShuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, Int(next() % UInt64(i + 1)))
        }
    }
}
