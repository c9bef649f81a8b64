import PLMModel

/// What the engine keeps of the tokens it has seen, per layer, so that the next token's attention does
/// not recompute them.
///
/// - `latent` (what the engine decodes with): per token and layer only the normalised latent c_kv and
///   the roped shared key k_pe, one row [c_kv (K); k_pe (R)] of K + R floats (576 at PLM-1.8B). The
///   engine folds kv_b_proj's key half into the query and applies its value half after attention.
/// - `expanded` (kept for testing): per token and layer the [c_kv; k_pe] row and the expanded keys and
///   values kv_b_proj(c_kv), H*(nope+v) floats, which the trainer's attention reads as it does in training.
///
/// Rows of a layer are contiguous; capacity grows by doubling up to the model's context, copying what is
/// held. `@unchecked Sendable`: one engine call at a time mutates it (the engine's contract).
public final class KVCache: @unchecked Sendable {
    public enum Kind: String, Sendable, CaseIterable { case latent, expanded }

    public let kind: Kind
    public let config: PLMConfig
    /// Tokens held (the next token's position).
    public private(set) var count = 0
    public private(set) var capacity = 0
    /// Floats per token of each plane of a layer: [K+R] (latent) or [K+R, H*(nope+v)] (expanded).
    let planeWidths: [Int]
    private var storage: UnsafeMutablePointer<Float>?

    public init(kind: Kind, config: PLMConfig, capacity: Int = 256) {
        self.kind = kind
        self.config = config
        let latent = config.kvLoraRank + config.qkRopeHeadDim
        planeWidths = kind == .latent
            ? [latent] : [latent, config.numAttentionHeads * (config.qkNopeHeadDim + config.vHeadDim)]
        reserve(min(max(1, capacity), config.maxPositionEmbeddings))
    }

    deinit { storage?.deallocate() }

    /// Bytes the cache needs per token of context, all layers together.
    public var bytesPerToken: Int { config.numHiddenLayers * planeWidths.reduce(0, +) * MemoryLayout<Float>.size }

    /// Bytes allocated now.
    public var allocatedBytes: Int { capacity * bytesPerToken }

    /// The first row of a plane of a layer; rows are `planeWidths[plane]` floats apart.
    func rows(layer: Int, plane: Int) -> UnsafeMutablePointer<Float> {
        storage! + blockOffset(layer: layer, plane: plane, capacity: capacity)
    }

    /// Makes room for `total` tokens (at most the context).
    func reserve(_ total: Int) {
        guard total > capacity else { return }
        let newCapacity = min(config.maxPositionEmbeddings, max(total, capacity * 2))
        let floats = newCapacity * config.numHiddenLayers * planeWidths.reduce(0, +)
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: floats)
        fresh.initialize(repeating: 0, count: floats)
        if let storage {
            for layer in 0..<config.numHiddenLayers {
                for (plane, width) in planeWidths.enumerated() {
                    (fresh + blockOffset(layer: layer, plane: plane, capacity: newCapacity))
                        .update(from: storage + blockOffset(layer: layer, plane: plane, capacity: capacity),
                                count: count * width)
                }
            }
            storage.deallocate()
        }
        storage = fresh
        capacity = newCapacity
    }

    /// Marks `added` more tokens as held (their rows were written by the engine).
    func advance(by added: Int) {
        precondition(count + added <= capacity, "cache rows written past capacity")
        count += added
    }

    /// Forgets everything after the first `length` tokens (a conversation rolled back, or started over).
    public func truncate(to length: Int) {
        precondition(length >= 0 && length <= count, "cannot truncate a cache of \(count) tokens to \(length)")
        count = length
    }

    private func blockOffset(layer: Int, plane: Int, capacity: Int) -> Int {
        let perLayer = planeWidths.reduce(0, +) * capacity
        return layer * perLayer + planeWidths[..<plane].reduce(0, +) * capacity
    }
}
