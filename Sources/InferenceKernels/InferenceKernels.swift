/// Matrix-vector kernels of the inference engine, written once as generic `@inlinable` bodies; the
/// modules InferenceKernelsAVX2 and InferenceKernelsAVX512 instantiate them under their own target CPU.
public enum InferenceKernels {}
