import Tokenization

/// The run's BPE tokenizer is what packing encodes with; its method names already match.
extension BPETokenizer: TextEncoder {}
