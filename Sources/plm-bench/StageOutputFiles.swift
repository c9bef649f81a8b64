import ArgumentParser
import CorpusIO

/// The JSONL.zst files a stage wrote under `root/<source>/`, sources and files in name order: the
/// default input of the benchmarks that read a local run's documents.
enum StageOutputFiles {
    static func list(root: String) throws -> [String] {
        var files: [String] = []
        for source in FileSystem.list(root).sorted() {
            for file in FileSystem.list(root + "/" + source).sorted() where file.hasSuffix(".jsonl.zst") {
                files.append("\(root)/\(source)/\(file)")
            }
        }
        guard !files.isEmpty else {
            throw ValidationError("no input under \(root): run `plm run pipelines/local.yaml` first, or pass --input")
        }
        return files
    }
}
