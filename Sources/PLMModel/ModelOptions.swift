import Foundation

/// How a `PLMTransformer` runs: options that change neither its parameters nor its layout.
public struct ModelOptions: Sendable, Equatable {
    /// When true (and the batch carries `documentIndex`), a position attends only to earlier positions
    /// of its own document; otherwise attention is causal over the whole packed sequence.
    public var maskAcrossDocuments: Bool = false
    /// Worker threads for elementwise work and for BLAS. Results are deterministic for a given count.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    public init(maskAcrossDocuments: Bool = false, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.maskAcrossDocuments = maskAcrossDocuments
        self.threads = max(1, threads)
    }
}
