import Foundation

/// Chooses the next token from the logits of the last position, in llama.cpp's default chain order
/// (`common_params_sampling.samplers`, the steps we have):
///
/// 1. Repetition penalty (CTRL, Keskar et al. 2019, with llama.cpp's sign rule): each distinct token
///    among the last `repetitionWindow` tokens has its logit divided by the penalty when positive and
///    multiplied by it otherwise, so a penalty above 1 always makes it less likely. Once per token,
///    however often it occurs.
/// 2. Top-k: keep the k most likely tokens.
/// 3. Top-p (nucleus): keep the smallest set of most likely tokens whose probability, renormalised over
///    what top-k kept, reaches p; always at least one token.
/// 4. Min-p: drop tokens whose probability is below minP times the most likely one's (llama.cpp's
///    form: logit < max logit + ln(minP)).
/// 5. Temperature: the kept logits are divided by it.
/// 6. A draw from the softmax of the kept tokens with `SamplingRandom`.
///
/// Steps 2-4 look at probabilities at temperature 1 (temperature comes last, as in llama.cpp), and
/// every comparison orders candidates by logit, then by lower id, so the result never depends on
/// how a sort breaks ties. Greedy decoding (or temperature 0) is the argmax after step 1, ties to the
/// lowest id. NaN logits count as -infinity and +infinity as the largest finite float; when every
/// token is -infinity the lowest id is returned.
///
/// The sampler owns a scratch of one candidate per vocabulary entry, made on the first call and kept:
/// later calls do not allocate. Top-k and top-p select without sorting (`CandidateOrder`), so the
/// kept tokens are drawn from in an order that is arbitrary but fixed by the logits.
public struct Sampler {
    public let options: SamplingOptions
    public private(set) var random: SamplingRandom
    private var candidates: [SamplingCandidate] = []
    /// One bit per vocabulary entry: tokens already penalized in this call (cleared before returning).
    private var seen: [UInt64] = []

    public init(options: SamplingOptions) throws(SamplingOptionsError) {
        try options.validate()
        self.options = options
        random = SamplingRandom(seed: options.seed)
    }

    /// The next token after `history` (every token of the context so far, prompt included; only its
    /// last `repetitionWindow` matter), given the last position's `logits` (one per vocabulary entry).
    public mutating func next(logits: UnsafeBufferPointer<Float>, history: UnsafeBufferPointer<Int32>) -> Int32 {
        let count = prepare(logits: logits, history: history)
        return candidates.withUnsafeBufferPointer { c in
            if options.isGreedy || count == 1 { return c[0].id }
            var total = 0.0
            for i in 0..<count { total += Double(c[i].weight) }
            let u = random.nextUnit() * total
            var cumulative = 0.0
            for i in 0..<count {
                cumulative += Double(c[i].weight)
                if u < cumulative { return c[i].id }
            }
            // Rounding left u at the very top: the last token with any weight.
            return c[..<count].last { $0.weight > 0 }?.id ?? c[0].id
        }
    }

    public mutating func next(logits: [Float], history: [Int32]) -> Int32 {
        logits.withUnsafeBufferPointer { l in history.withUnsafeBufferPointer { h in next(logits: l, history: h) } }
    }

    /// The tokens a draw would choose from and their probabilities, most likely first (for tests and
    /// for showing alternatives); greedy gives the one token it picks. Draws no random number.
    public mutating func distribution(logits: [Float], history: [Int32]) -> [(id: Int32, probability: Double)] {
        let count = logits.withUnsafeBufferPointer { l in
            history.withUnsafeBufferPointer { h in prepare(logits: l, history: h) }
        }
        var kept = Array(candidates[..<count])
        kept.withUnsafeMutableBufferPointer { CandidateOrder.sort($0.baseAddress!, 0..<count) }
        if options.isGreedy || count == 1 { return [(kept[0].id, 1)] }
        let total = kept.reduce(0.0) { $0 + Double($1.weight) }
        return kept.map { ($0.id, Double($0.weight) / total) }
    }

    /// Runs steps 1-5: on return `candidates[0..<count]` are the tokens to draw from, with their
    /// weights at the temperature. For greedy decoding, count is 1 and candidates[0] is the argmax.
    private mutating func prepare(logits: UnsafeBufferPointer<Float>, history: UnsafeBufferPointer<Int32>) -> Int {
        let vocabulary = logits.count
        precondition(vocabulary > 0 && vocabulary <= Int(Int32.max), "logits must hold one value per token")
        if candidates.count != vocabulary {
            candidates = Array(repeating: SamplingCandidate(id: 0, logit: 0, weight: 0), count: vocabulary)
            seen = Array(repeating: 0, count: (vocabulary + 63) / 64)
        }
        let options = self.options
        // Two disjoint stored properties borrowed at once; the helpers are static so that nothing else
        // of `self` is touched meanwhile.
        return candidates.withUnsafeMutableBufferPointer { buffer in seen.withUnsafeMutableBufferPointer { bits in
            let c = buffer.baseAddress!
            for i in 0..<vocabulary {
                let logit = logits[i]
                c[i] = SamplingCandidate(id: Int32(i), logit: logit.isNaN ? -.infinity : min(logit, .greatestFiniteMagnitude),
                                         weight: 0)
            }
            if options.repetitionPenalty != 1, options.repetitionWindow > 0 {
                Self.penalize(c, vocabulary: vocabulary, history: history, seen: bits, options: options)
            }
            if options.isGreedy {
                var best = 0
                for i in 1..<vocabulary where c[i].logit > c[best].logit { best = i }
                c[0] = c[best]
                return 1
            }
            return Self.filter(c, vocabulary: vocabulary, options: options)
        } }
    }

    /// Step 1, on the candidates (whose index is their id at this point).
    private static func penalize(_ c: UnsafeMutablePointer<SamplingCandidate>, vocabulary: Int,
                                 history: UnsafeBufferPointer<Int32>, seen bits: UnsafeMutableBufferPointer<UInt64>,
                                 options: SamplingOptions) {
        let penalty = Float(options.repetitionPenalty)
        let recent = history.suffix(options.repetitionWindow)
        for token in recent {
            let id = Int(token)
            // Ids outside the vocabulary (a caller's mistake, or a prompt from another tokenizer) have no logit.
            guard id >= 0, id < vocabulary else { continue }
            let mask: UInt64 = 1 << UInt64(id & 63)
            guard bits[id >> 6] & mask == 0 else { continue }
            bits[id >> 6] |= mask
            let logit = c[id].logit
            c[id].logit = logit > 0 ? logit / penalty : logit * penalty
        }
        for token in recent where token >= 0 && Int(token) < vocabulary { bits[Int(token) >> 6] = 0 }
    }

    /// Steps 2-5 on all `vocabulary` candidates; returns how many are kept (moved to the front).
    private static func filter(_ c: UnsafeMutablePointer<SamplingCandidate>, vocabulary: Int, options: SamplingOptions) -> Int {
        var count = vocabulary
        if options.topK > 0, options.topK < count {
            CandidateOrder.keepBest(c, count: count, k: options.topK)
            count = options.topK
        }
        var best = 0
        for i in 1..<count where SamplingCandidate.precedes(c[i], c[best]) { best = i }
        let maxLogit = c[best].logit
        guard maxLogit > -.infinity else {
            // Every token is masked: nothing to draw from, so behave as greedy (lowest id).
            let first = c[best]
            c[best] = c[0]
            c[0] = first
            return 1
        }
        var total = 0.0
        if options.topP < 1 {
            for i in 0..<count {
                c[i].weight = exp(c[i].logit - maxLogit)
                total += Double(c[i].weight)
            }
        }
        if options.minP > 0 {
            // Keep logit >= max + ln(minP): the kept set is always a best-first prefix of the order,
            // so doing it before top-p's search (but after its normalisation) gives the same set.
            let threshold = maxLogit + Float(log(options.minP))
            var kept = 0
            for i in 0..<count where c[i].logit >= threshold {
                let t = c[kept]
                c[kept] = c[i]
                c[i] = t
                kept += 1
            }
            count = kept
        }
        if options.topP < 1 { count = CandidateOrder.nucleus(c, count: count, target: options.topP * total) }
        // At temperature 1 the weights top-p computed are already the ones to draw with.
        if options.topP < 1, options.temperature == 1 { return count }
        let inverseTemperature = Float(1 / options.temperature)
        guard inverseTemperature.isFinite else {
            // A temperature too small for a float: only the largest logit keeps any weight.
            for i in 0..<count { c[i].weight = c[i].logit == maxLogit ? 1 : 0 }
            return count
        }
        for i in 0..<count { c[i].weight = exp((c[i].logit - maxLogit) * inverseTemperature) }
        return count
    }
}
