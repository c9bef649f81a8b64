import ArgumentParser
import CorpusIO
import Foundation
import LanguageID

/// The language filter's path (`LanguageIdentifier.best`) over labelled texts, several passes in one process,
/// for profiling and for comparing builds in turn. Benchmarks/langid/bench.py measures it beside the peers.
struct LangIDSpeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "langid-speed",
        abstract: "MB/s of the language filter's path on `__label__<lang> <text>` files, pass by pass, one thread.")

    @Option(help: "A fastText model (.bin or .ftz).") var model = "shards/langid/model.bin"
    @Option(help: "Passes over the texts (the word cache starts empty in each).") var passes = 5
    @Argument(help: "Labelled text files, as `plm langid export` writes them.") var files: [String]

    func validate() throws {
        guard passes > 0 else { throw ValidationError("--passes must be at least 1") }
    }

    func run() throws {
        let identifier = LanguageIdentifier(model: try FastTextFile.read(path: model))
        for file in files {
            let texts = try String(decoding: FileInput.readAll(path: file), as: UTF8.self)
                .split(separator: "\n").map { line in String(line.drop(while: { $0 != " " }).dropFirst()) }
            let bytes = texts.reduce(0) { $0 + $1.utf8.count }
            var rates: [Double] = []
            var answered = 0      // texts with a label, the same in every pass
            for _ in 0..<passes {
                var scratch = FastTextModel.Scratch()
                answered = 0
                let start = DispatchTime.now().uptimeNanoseconds
                for text in texts where identifier.best(text, scratch: &scratch) != nil { answered += 1 }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                rates.append(Double(bytes) / seconds / 1e6)
            }
            let sorted = rates.sorted()
            print(String(format: "%@: %d texts, %.2f MB; MB/s per pass %@; best %.1f, median %.1f; %d answered",
                         (file as NSString).lastPathComponent, texts.count, Double(bytes) / 1e6,
                         rates.map { String(format: "%.1f", $0) }.joined(separator: " "), sorted.last!,
                         sorted[sorted.count / 2], answered))
        }
    }
}
