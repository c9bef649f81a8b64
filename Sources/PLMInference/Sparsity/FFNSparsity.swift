/// Feed-forward activations that are exactly zero after squared ReLU, counted per layer: the sparsity the
/// PLM recipe chose squared ReLU for (a token's zero activations leave their columns of `down_proj` unused,
/// which the sparse decode path skips).
public struct FFNSparsity: Codable, Sendable, Equatable {
    /// Exactly-zero activations seen in each layer.
    public private(set) var zeros: [Int]
    /// Activations seen in each layer (tokens x intermediate size).
    public private(set) var values: [Int]

    public init(layers: Int) {
        zeros = Array(repeating: 0, count: layers)
        values = zeros
    }

    /// The zero fraction of each layer.
    public var layers: [Double] { zip(zeros, values).map { $1 > 0 ? Double($0) / Double($1) : 0 } }

    /// The zero fraction over every layer.
    public var overall: Double {
        let total = values.reduce(0, +)
        return total > 0 ? Double(zeros.reduce(0, +)) / Double(total) : 0
    }

    /// Counts the zeros of `count` activations of `layer`.
    mutating func count(layer: Int, _ activations: UnsafePointer<Float>, _ count: Int) {
        var zero = 0
        for i in 0..<count where activations[i] == 0 { zero += 1 }
        zeros[layer] += zero
        values[layer] += count
    }

    /// Adds another measurement of the same model's layers.
    public mutating func add(_ other: FFNSparsity) {
        precondition(other.zeros.count == zeros.count, "sparsity of models with different layer counts")
        for layer in zeros.indices {
            zeros[layer] += other.zeros[layer]
            values[layer] += other.values[layer]
        }
    }

    enum CodingKeys: String, CodingKey { case zeros, values, layers, overall }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        zeros = try container.decode([Int].self, forKey: .zeros)
        values = try container.decode([Int].self, forKey: .values)
    }

    /// The counts and, for readers of the JSON, the fractions they give.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(zeros, forKey: .zeros)
        try container.encode(values, forKey: .values)
        try container.encode(layers, forKey: .layers)
        try container.encode(overall, forKey: .overall)
    }
}
