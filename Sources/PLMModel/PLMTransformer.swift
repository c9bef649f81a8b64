/// The PLM network (pre-norm decoder with Multi-head Latent Attention and squared-ReLU feed-forward,
/// tied embeddings, no biases) with hand-written forward and backward passes, llm.c style: one arena
/// for parameters, one for their gradients (same offsets, from `ParameterLayout`) and one activation
/// arena sized from (config, B, T), built on first use and kept while the batch shape stays the same.
///
/// `@unchecked Sendable`: the arenas are mutated only inside `forwardBackward` / `loss` / `logits`
/// (internally fanned out over disjoint slices); callers must not run two passes at once.
public final class PLMTransformer: @unchecked Sendable {
    public let config: PLMConfig
    public let layout: ParameterLayout
    public let options: ModelOptions

    private let parameterStorage: UnsafeMutableBufferPointer<Float>
    private let gradientStorage: UnsafeMutableBufferPointer<Float>
    let offsets: ModelOffsets
    var activations: ActivationArena?

    /// All parameters, in `layout` order and offsets.
    public var parameters: UnsafeMutableBufferPointer<Float> { parameterStorage }
    /// Gradients of all parameters, same offsets as `parameters`.
    public var gradients: UnsafeMutableBufferPointer<Float> { gradientStorage }

    /// Builds the model with parameters drawn from N(0, 0.02^2) by a generator seeded with `seed`
    /// (norm weights are 1). The same seed gives the same parameters on every machine.
    public init(config: PLMConfig, seed: UInt64, options: ModelOptions = .init()) {
        self.config = config
        self.layout = ParameterLayout(config: config)
        self.options = options
        offsets = ModelOffsets(layout: layout, layers: config.numHiddenLayers)
        parameterStorage = .allocate(capacity: layout.totalCount)
        gradientStorage = .allocate(capacity: layout.totalCount)
        gradientStorage.initialize(repeating: 0)
        var generator = SeededNormalGenerator(seed: seed)
        for tensor in layout.tensors {
            let slice = parameterStorage.baseAddress! + tensor.offset
            if tensor.isNorm {
                slice.initialize(repeating: 1, count: tensor.count)
            } else {
                for i in 0..<tensor.count { (slice + i).initialize(to: Float(0.02 * generator.next())) }
            }
        }
    }

    deinit {
        parameterStorage.deallocate()
        gradientStorage.deallocate()
    }

    /// Sets every gradient to zero (call before accumulating a new step's micro-batches).
    public func zeroGradients() {
        gradientStorage.update(repeating: 0)
    }

    /// Adds to `gradients` the gradient of gradientScale * (sum over counted targets of -log p(target)).
    /// Returns the summed loss and the number of counted targets.
    public func forwardBackward(_ batch: TokenBatch, gradientScale: Float) -> (lossSum: Double, count: Int) {
        let arena = forward(batch)
        let lossSum = head(batch, arena, gradientScale: gradientScale)
        backward(batch, arena)
        return (lossSum, batch.countedTargets)
    }

    /// Forward pass only: the summed loss over counted targets and their number (validation).
    public func loss(_ batch: TokenBatch) -> (lossSum: Double, count: Int) {
        let arena = forward(batch)
        return (head(batch, arena, gradientScale: nil), batch.countedTargets)
    }

    /// The (B*T, vocab) logits of a batch's inputs, row b*T + t (tests and inference).
    public func logits(_ batch: TokenBatch) -> [Float] {
        let arena = forward(batch)
        let n = batch.batchSize * batch.sequenceLength, v = config.vocabSize
        return [Float](unsafeUninitializedCapacity: n * v) { buffer, initialized in
            Linear.forward(out: buffer.baseAddress!, inp: arena.lnf,
                           weight: parameterStorage.baseAddress! + offsets.embedding, rows: n,
                           inputs: config.hiddenSize, outputs: v, threads: options.threads)
            initialized = n * v
        }
    }

    /// Bytes of the activation arena for the last batch shape (0 before the first pass).
    public var activationBytes: Int { activations?.bytes ?? 0 }

    /// The arena for this batch's (B, T), reusing the last one when the shape is unchanged.
    func arena(for batch: TokenBatch) -> ActivationArena {
        if let activations, activations.batch == batch.batchSize, activations.sequence == batch.sequenceLength {
            return activations
        }
        activations = nil       // free the old arena before allocating the new one
        let arena = ActivationArena(config: config, batch: batch.batchSize, sequence: batch.sequenceLength,
                                    workers: options.threads)
        activations = arena
        return arena
    }
}
