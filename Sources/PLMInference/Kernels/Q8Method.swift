/// How a product with q8_0 weights takes x.
public enum Q8Method: String, CaseIterable, Sendable {
    /// x stays f32; each block's bytes are widened to floats and summed with fma, then scaled once.
    /// No error beyond f32 rounding.
    case floatActivations
    /// x is quantized to q8_0 once per product (ggml's rule, as llama.cpp does for q8_0 weights) and the
    /// blocks are multiplied in integers (vpmaddubsw + vpmaddwd). Fewer instructions per weight;
    /// x then carries a per-value error of at most 0.5625 * amax / 127 of its block (rounding to the
    /// q8_0 step plus the f16 scale), so a row's result moves by at most that times the row's |w| sums.
    case quantizedActivations

    /// The faster method at each level, as measured by `plm-bench matvec` (see its q8_0 rows).
    public static func preferred(_ level: MatVecLevel) -> Q8Method {
        switch level {
        case .avx512, .avx2: return .quantizedActivations
        case .portable: return .floatActivations
        }
    }
}
