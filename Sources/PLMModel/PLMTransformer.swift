/// The PLM network (pre-norm decoder with Multi-head Latent Attention and squared-ReLU feed-forward,
/// tied embeddings, no biases) with hand-written forward and backward passes, llm.c style: one arena
/// for parameters, one for their gradients (same offsets, from `ParameterLayout`) and activation
/// arenas sized from (config, B, T) on first use.
///
/// `@unchecked Sendable`: the arenas are mutated only by the calling thread's `forwardBackward` /
/// `loss` (internally fanned out over disjoint slices); callers must not run two passes at once.
public final class PLMTransformer: @unchecked Sendable {
    public let config: PLMConfig
    public let layout: ParameterLayout
    public let options: ModelOptions

    private let parameterStorage: UnsafeMutableBufferPointer<Float>
    private let gradientStorage: UnsafeMutableBufferPointer<Float>

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
        parameterStorage = .allocate(capacity: layout.totalCount)
        gradientStorage = .allocate(capacity: layout.totalCount)
        parameterStorage.initialize(repeating: 0)
        gradientStorage.initialize(repeating: 0)
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
        preconditionFailure("PLMTransformer.forwardBackward is not implemented yet")
    }

    /// Forward pass only: the summed loss over counted targets and their number (validation).
    public func loss(_ batch: TokenBatch) -> (lossSum: Double, count: Int) {
        preconditionFailure("PLMTransformer.loss is not implemented yet")
    }

    /// The (B*T, vocab) logits of a batch's inputs, row b*T + t (tests and inference).
    public func logits(_ batch: TokenBatch) -> [Float] {
        preconditionFailure("PLMTransformer.logits is not implemented yet")
    }
}
