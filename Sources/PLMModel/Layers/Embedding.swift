/// Token embedding lookup. The same table (V, C) is the output head (tied embeddings), so its
/// gradient collects both uses: this layer's scatter-add and the head's dlogits^T * lnf.
package enum Embedding {
    /// out (N, C) = table[tokens[n]] for each row n.
    package static func forward(out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, table: UnsafePointer<Float>,
                        rows n: Int, channels c: Int, threads: Int) {
        Parallel.forEachChunk(n, threads: threads, minimumChunk: 64) { _, range in
            for row in range {
                (out + row * c).update(from: table + Int(tokens[row]) * c, count: c)
            }
        }
    }

    /// dtable[tokens[n]] += dout[n]. Sequential: two rows may share a token, and a fixed order keeps
    /// the sums deterministic.
    static func backward(dtable: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>,
                         rows n: Int, channels c: Int) {
        for row in 0..<n {
            let target = dtable + Int(tokens[row]) * c, source = dout + row * c
            for i in 0..<c { target[i] += source[i] }
        }
    }
}
