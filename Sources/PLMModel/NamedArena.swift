/// One allocation of floats carved into named regions, each starting on a 64-byte boundary (a cache
/// line, and the widest SIMD load). The trainer's activations and the inference engine's scratch are
/// both arenas of this kind: every buffer is asked for by name, never by its position in a list.
///
/// `@unchecked Sendable`: the regions are disjoint; the owner decides who writes which region when.
package final class NamedArena<Name: Hashable>: @unchecked Sendable {
    private let storage: UnsafeMutableRawPointer
    private let regions: [Name: (offset: Int, count: Int)]
    /// Floats in all regions together, padding included.
    package let floatCount: Int

    /// Allocates every (name, float count) region, zero-filled. Names must be distinct.
    package init(_ sizes: [(Name, Int)]) {
        var regions: [Name: (offset: Int, count: Int)] = [:]
        var offset = 0
        for (name, count) in sizes {
            precondition(count >= 0, "negative size for arena region \(name)")
            precondition(regions[name] == nil, "arena region \(name) declared twice")
            regions[name] = (offset, count)
            offset += (count + 15) / 16 * 16
        }
        self.regions = regions
        floatCount = offset
        storage = .allocate(byteCount: max(1, offset) * 4, alignment: 64)
        storage.initializeMemory(as: Float.self, repeating: 0, count: offset)
    }

    deinit { storage.deallocate() }

    /// The first float of a region.
    package subscript(name: Name) -> UnsafeMutablePointer<Float> {
        guard let region = regions[name] else { preconditionFailure("no arena region named \(name)") }
        return storage.assumingMemoryBound(to: Float.self) + region.offset
    }

    /// The floats a region was declared with.
    package func count(_ name: Name) -> Int {
        guard let region = regions[name] else { preconditionFailure("no arena region named \(name)") }
        return region.count
    }

    package var bytes: Int { floatCount * MemoryLayout<Float>.size }
}
