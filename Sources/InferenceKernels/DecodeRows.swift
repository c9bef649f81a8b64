// Widening stored rows to f32 (for the prompt's batched products, which run through sgemm). The results
// equal the scalar reference conversions bit for bit: an f16 widens exactly, and a q8_0 value is the
// one rounded product d * Float(q), lane by lane.

/// `count` halves from `source` as floats into `destination`.
@inlinable
public func decodeHalves<Level: KernelLevel>(
    _: Level.Type, _ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let target = UnsafeMutableRawPointer(destination)
    var index = 0
    while index &+ width <= count {
        Level.Vector.loadHalves(source + index &* 2).store(to: target + index &* 4)
        index &+= width
    }
    while index < count {
        destination[index] = half(source, index)
        index &+= 1
    }
}

/// `blocks` q8_0 blocks from `source` as floats (32 per block) into `destination`.
@inlinable
public func decodeQ8Blocks<Level: KernelLevel>(
    _: Level.Type, _ source: UnsafeRawPointer, blocks: Int, into destination: UnsafeMutablePointer<Float>
) {
    let width = Level.width
    let target = UnsafeMutableRawPointer(destination)
    for block in 0..<blocks {
        let base = source + block &* q8BlockBytes
        let scale = Level.Vector(repeating: q8Scale(base))
        let out = target + block &* (q8BlockValues &* 4)
        var lane = 0
        while lane < q8BlockValues {
            (scale * Level.Vector.loadBytes(base + (2 &+ lane))).store(to: out + lane &* 4)
            lane &+= width
        }
    }
}
