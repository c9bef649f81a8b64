/// How this process's large allocations are served. glibc raises its mmap threshold each time a large
/// block is freed (up to 32 MiB), after which blocks of that size come from the heap, whose free space
/// is rarely returned: a stage that allocates and frees batch-sized arrays over and over (packing's
/// tokenized batches) then grows its resident memory with the number of batches, not their size. A
/// fixed threshold keeps every block above it in its own mapping, given back when freed.
public enum ProcessMemory {
    /// Blocks of at least this many bytes get their own mapping.
    public static let mappedBlockBytes: Int32 = 256 << 10

    /// Call once at start, before threads allocate.
    public static func returnLargeBlocksToTheSystem() {
        #if os(Linux)
        // M_MMAP_THRESHOLD from <malloc.h>, which the Glibc module does not export.
        let mmapThreshold: Int32 = -3
        _ = glibcMallopt(mmapThreshold, mappedBlockBytes)
        #endif
    }
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)`.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
