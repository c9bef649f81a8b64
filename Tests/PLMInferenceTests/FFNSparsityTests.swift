import Testing
@testable import PLMInference
@testable import PLMModel

/// Squared ReLU's zeros: counted per layer as the trainer sees them, and skipped by the sparse decode
/// path without changing its result.
@Suite struct FFNSparsityTests {
    let model = EngineTestSupport.model()
    let tokens = EngineTestSupport.tokens(40)

    /// The engine counts, layer by layer, exactly the zeros of the trainer's own relu(up)^2 activations.
    @Test func theEngineCountsTheTrainersZeros() throws {
        let c = model.config
        _ = model.logits(TokenBatch(batchSize: 1, sequenceLength: tokens.count, inputs: tokens, targets: tokens))
        let activations = try #require(model.activations)
        let n = tokens.count * c.intermediateSize
        let expected = (0..<c.numHiddenLayers).map { l in
            (0..<n).filter { activations.ffnAct[l * n + $0] == 0 }.count
        }
        let engine = PLMEngine(weights: EngineWeights(model: model, type: .f32), threads: 2)
        engine.sparsity = FFNSparsity(layers: c.numHiddenLayers)
        _ = try engine.forward(tokens, cache: engine.makeCache(), output: .allLogits)
        let counted = try #require(engine.sparsity)
        #expect(counted.values == Array(repeating: n, count: c.numHiddenLayers))
        // The same activations up to float rounding: a value a rounding away from zero may flip.
        for (ours, theirs) in zip(counted.zeros, expected) { #expect(abs(ours - theirs) <= n / 1000) }
        #expect(expected.allSatisfy { $0 > n / 10 && $0 < n * 9 / 10 })
        #expect(abs(counted.overall - Double(counted.zeros.reduce(0, +)) / Double(n * c.numHiddenLayers)) < 1e-12)
    }

    /// Decoding token by token with the sparse down projection gives the dense path's logits.
    @Test(arguments: [WeightType.f32, .f16, .q8_0])
    func sparseDecodingEqualsDense(type: WeightType) throws {
        let weights = EngineWeights(model: model, type: type)
        let dense = PLMEngine(weights: weights, threads: 2)
        let sparse = PLMEngine(weights: weights, threads: 2, sparseFFN: true)
        let profile = DecodeProfile()
        sparse.profile = profile
        let denseCache = dense.makeCache(), sparseCache = sparse.makeCache()
        var differences: [Float] = []
        for token in tokens {
            let a = try dense.forward([token], cache: denseCache), b = try sparse.forward([token], cache: sparseCache)
            differences.append(EngineTestSupport.relativeDifference(b[...], a[...]))
        }
        if type == .q8_0 && Q8Method.preferred(.active) == .quantizedActivations {
            // x is rounded to q8_0 steps before each q8_0 product: a last-bit difference from the order of
            // additions can move a value across a rounding boundary in a later layer (one step, about
            // 0.4% of its block), on either path alike. Most tokens are equal to 1e-5; none further
            // than such a step.
            #expect(differences.filter { $0 < 1e-5 }.count >= tokens.count * 9 / 10, "\(differences)")
            #expect(differences.allSatisfy { $0 < 5e-3 }, "\(differences)")
        } else {
            #expect(differences.allSatisfy { $0 < 1e-5 }, "\(type): \(differences)")
        }
        // It did skip columns: the zeros of relu^2 (about half at these seeded weights).
        #expect(profile.totalColumns == tokens.count * model.config.numHiddenLayers * model.config.intermediateSize)
        #expect(profile.activeColumns > 0 && profile.activeColumns < profile.totalColumns * 3 / 4)
        #expect(profile.ffnDownNanoseconds > 0 && profile.attentionNanoseconds > 0)
    }

    /// The product alone, on a matrix whose outputs leave vector tails, at every kernel level this CPU
    /// runs, both ways of taking x into q8_0 products, and any number of threads; with half the columns
    /// active, and with few (so that q8_0's blocks hold 1-4, 5-8 and more active rows: each kernel path).
    @Test(arguments: [WeightType.f32, .f16, .q8_0], [false, true])
    func sparseProductEqualsTheDenseOne(type: WeightType, few: Bool) {
        let outputs = 203, inputs = 256
        var random = SeededNormalGenerator(seed: 11)
        let values = (0..<outputs * inputs).map { _ in Float(random.next()) }
        let dense = values.withUnsafeBufferPointer {
            WeightMatrix.converting($0.baseAddress!, rows: outputs, columns: inputs, to: type, threads: 2)
        }
        let sparse = SparseDownProjection(transposing: dense, threads: 2)
        // relu^2 of normal values: about half exactly zero, whole zero blocks too.
        var a = (0..<inputs).map { j -> Float in let v = Float(random.next()); return v > 0 ? v * v : 0 }
        for j in 64..<96 { a[j] = 0 }
        if few {
            for j in 0..<inputs where j % 5 != 0 && !(160..<167).contains(j) { a[j] = 0 }
            for j in 160..<167 { a[j] = Float(j - 150) / 10 }
        }
        let methods: [Q8Method?] = type == .q8_0 ? Q8Method.allCases : [nil]
        for level in MatVecLevel.allCases where level.isSupported {
            for method in methods {
                var expected = [Float](repeating: 0, count: outputs)
                MatVec.multiply(dense, x: a, into: &expected, rows: 0..<outputs, level: level, q8: method)
                var results: [[Float]] = []
                for threads in [1, 3] {
                    var y = [Float](repeating: 0, count: outputs)
                    var indices = [Int32](repeating: 0, count: inputs), coefficients = [Float](repeating: 0, count: inputs)
                    let used = sparse.accumulate(a, into: &y, indices: &indices, coefficients: &coefficients,
                                                 threads: threads, level: level, q8: method)
                    #expect(used > 0 && used <= a.filter { $0 != 0 }.count)
                    #expect(EngineTestSupport.relativeDifference(y[...], expected[...]) < 1e-5,
                            "\(type) \(level) \(String(describing: method)) threads \(threads) few \(few)")
                    results.append(y)
                }
                #expect(results[0] == results[1], "the thread count changes nothing")
            }
        }
    }

    /// A predictor of full rank reproduces up_proj, so skipping the rows it predicts negative skips only
    /// zeros: the logits stay the dense ones, in prompts and token by token.
    @Test func aFullRankPredictorChangesNothing() throws {
        let weights = EngineWeights(model: model, type: .f32)
        let dense = PLMEngine(weights: weights, threads: 2)
        let predicted = PLMEngine(weights: weights, threads: 2, sparseFFN: true,
                                  ffnPredictor: FFNPredictorOptions(rank: model.config.hiddenSize))
        let a = try dense.forward(tokens, cache: dense.makeCache(), output: .allLogits)
        let b = try predicted.forward(tokens, cache: predicted.makeCache(), output: .allLogits)
        #expect(EngineTestSupport.relativeDifference(b[...], a[...]) < 1e-4)
        let denseCache = dense.makeCache(), predictedCache = predicted.makeCache()
        for token in tokens {
            let x = try dense.forward([token], cache: denseCache), y = try predicted.forward([token], cache: predictedCache)
            #expect(EngineTestSupport.relativeDifference(y[...], x[...]) < 1e-4)
        }
    }

    /// A low-rank predictor skips rows that are not all zeros (its cost), and the prompt path applies the
    /// same rule as decoding, so a prompt's logits are what decoding the same tokens gives.
    @Test func aLowRankPredictorSkipsMoreAndPromptsFollowDecoding() throws {
        let weights = EngineWeights(model: model, type: .f32)
        let c = model.config
        let dense = PLMEngine(weights: weights, threads: 2)
        let predicted = PLMEngine(weights: weights, threads: 2, ffnPredictor: FFNPredictorOptions(rank: 8))
        dense.sparsity = FFNSparsity(layers: c.numHiddenLayers)
        predicted.sparsity = FFNSparsity(layers: c.numHiddenLayers)
        let a = try dense.forward(tokens, cache: dense.makeCache(), output: .allLogits)
        let b = try predicted.forward(tokens, cache: predicted.makeCache(), output: .allLogits)
        #expect(predicted.sparsity!.overall > dense.sparsity!.overall + 0.02)
        #expect(EngineTestSupport.relativeDifference(b[...], a[...]) > 1e-4, "rank 8 of 64 loses something")
        let cache = predicted.makeCache(), v = c.vocabSize
        var close = 0
        for (i, token) in tokens.enumerated() {
            let y = try predicted.forward([token], cache: cache)
            if EngineTestSupport.relativeDifference(y[...], b[(i * v)..<((i + 1) * v)]) < 1e-4 { close += 1 }
        }
        // A prediction within float rounding of the bar may fall either side in the two paths.
        #expect(close >= tokens.count * 9 / 10, "\(close) of \(tokens.count)")
    }

    @Test func gramSchmidtGivesOrthonormalColumns() {
        var m: [Float] = [3, 1, 0, 4, 2, 0, 0, 0, 0, 0, 0, 0]   // 4 x 3, the third column zero
        UpProjectionPredictor.orthonormalizeColumns(&m, rows: 4, columns: 3)
        func column(_ j: Int) -> [Float] { (0..<4).map { m[$0 * 3 + j] } }
        func dot(_ x: [Float], _ y: [Float]) -> Float { zip(x, y).map(*).reduce(0, +) }
        #expect(abs(dot(column(0), column(0)) - 1) < 1e-6 && abs(dot(column(1), column(1)) - 1) < 1e-6)
        #expect(abs(dot(column(0), column(1))) < 1e-6)
        #expect(column(2) == [0, 0, 0, 0])
    }
}
