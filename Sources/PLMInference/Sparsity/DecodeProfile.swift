import Dispatch

/// Where a decode's time goes, for the sparse-path benchmark: nanoseconds per part of the layers, summed
/// over calls, and the non-zero activations the sparse down projection used. The engine fills it only
/// while it is set (a clock read per part and layer), so it costs nothing otherwise.
public final class DecodeProfile: @unchecked Sendable {
    /// Norms, projections, RoPE and attention up to o_proj's residual add.
    public var attentionNanoseconds: UInt64 = 0
    /// post_attention_layernorm, up_proj and squared ReLU.
    public var ffnUpNanoseconds: UInt64 = 0
    /// down_proj (dense or sparse) and its residual add.
    public var ffnDownNanoseconds: UInt64 = 0
    /// Final norm and the output head.
    public var headNanoseconds: UInt64 = 0
    /// down_proj columns used by the sparse path, and the columns there were (layers x tokens x F).
    public var activeColumns = 0
    public var totalColumns = 0

    public init() {}

    public var totalNanoseconds: UInt64 { attentionNanoseconds + ffnUpNanoseconds + ffnDownNanoseconds + headNanoseconds }

    /// The feed-forward block's share of the time measured.
    public var ffnShare: Double {
        let total = totalNanoseconds
        return total > 0 ? Double(ffnUpNanoseconds + ffnDownNanoseconds) / Double(total) : 0
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
