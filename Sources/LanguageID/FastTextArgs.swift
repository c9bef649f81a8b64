/// fastText's loss functions, with the numbers its files store.
public enum FastTextLoss: Int32, Sendable, Codable {
    case hierarchicalSoftmax = 1, negativeSampling = 2, softmax = 3, oneVsAll = 4

    public var name: String {
        switch self {
        case .hierarchicalSoftmax: "hs"
        case .negativeSampling: "ns"
        case .softmax: "softmax"
        case .oneVsAll: "ova"
        }
    }
}

/// The training arguments a fastText model file begins with; prediction reads `dim`, `wordNgrams`,
/// `loss`, `bucket`, `minn` and `maxn`.
public struct FastTextArgs: Sendable, Equatable {
    public var dim: Int32 = 16
    public var ws: Int32 = 5
    public var epoch: Int32 = 5
    public var minCount: Int32 = 1
    public var neg: Int32 = 5
    public var wordNgrams: Int32 = 1
    public var loss: FastTextLoss = .softmax
    /// 1 cbow, 2 skipgram, 3 supervised: only supervised models classify.
    public var model: Int32 = 3
    public var bucket: Int32 = 2_000_000
    public var minn: Int32 = 0
    public var maxn: Int32 = 0
    public var lrUpdateRate: Int32 = 100
    public var t: Double = 1e-4

    public init() {}

    static let supervised: Int32 = 3
}
