import ArgumentParser

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plm-bench",
        abstract: "Measure each stage beside its reference, in the same run. Timings are printed, never asserted.",
        subcommands: [IngestBenchmark.self, DedupBenchmark.self, DedupAccuracyBenchmark.self, FilterDecisions.self,
                      TokenizerEncodeBenchmark.self, TokenizerTrainBenchmark.self, TokenizerTrainOnce.self,
                      PackBenchmark.self, TrainSpeed.self, MatVecBenchmark.self, DecodeBenchmark.self, DecodeRun.self, SparseDecodeBenchmark.self, SparseMatVecBenchmark.self, LangIDSpeed.self,
                      RunBenchmark.self])
}
